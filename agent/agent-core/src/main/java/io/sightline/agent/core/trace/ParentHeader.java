package io.sightline.agent.core.trace;

import java.nio.charset.StandardCharsets;

import io.sightline.protocol.TraceIds;

/**
 * The {@code sightline-parent} header: {@code <calling span id, 16 hex>;<service type>;<application>}.
 * One header instead of the three older agents sent (sightline-parent-span, -type, -app): the
 * JDK's HttpURLConnection formats every request header line through its own StringBuilder and
 * String, so each header costs the application a few hundred bytes per call. The application
 * comes last, so it may itself hold a ';'.
 */
final class ParentHeader {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    private static final int SPAN_CHARS = 16;

    /** What follows the span id, the same for every call of this agent. */
    private final String suffix;
    /** {@link #suffix} as Latin-1 bytes, or null when it holds other characters. */
    private final byte[] suffixLatin1;

    ParentHeader(String serviceType, String applicationName) {
        suffix = ";" + serviceType + ";" + applicationName;
        byte[] latin1 = suffix.getBytes(StandardCharsets.ISO_8859_1);
        suffixLatin1 = new String(latin1, StandardCharsets.ISO_8859_1).equals(suffix) ? latin1 : null;
    }

    /** The header value sent by the calls of span {@code spanId}. */
    String value(long spanId) {
        if (suffixLatin1 == null) {
            return TraceIds.spanIdHex(spanId) + suffix;
        }
        byte[] out = new byte[length()];
        write(out, 0, spanId);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Characters of {@link #value}; only when the suffix is Latin-1 ({@link #isLatin1}). */
    int length() {
        return SPAN_CHARS + suffixLatin1.length;
    }

    /** Whether {@link #write} can be used (the suffix is Latin-1). */
    boolean isLatin1() {
        return suffixLatin1 != null;
    }

    /** {@link #value}'s text as Latin-1 bytes at {@code out[at..at + length())}; only when {@link #isLatin1}. */
    void write(byte[] out, int at, long spanId) {
        for (int i = at + SPAN_CHARS - 1; i >= at; i--) {
            out[i] = HEX[(int) (spanId & 0xf)];
            spanId >>>= 4;
        }
        System.arraycopy(suffixLatin1, 0, out, at + SPAN_CHARS, suffixLatin1.length);
    }

    /** The calling span's id in {@code value}, 0 when its first field is not one. */
    static long span(String value) {
        if (value == null || value.indexOf(';') != SPAN_CHARS) {
            return 0;
        }
        return TraceIds.parseSpanId(value, 0);
    }

    /** The caller's service type, null when empty or the value is malformed. */
    static String serviceType(String value) {
        int first = value == null ? -1 : value.indexOf(';');
        int second = first < 0 ? -1 : value.indexOf(';', first + 1);
        return second < 0 || second == first + 1 ? null : value.substring(first + 1, second);
    }

    /** The caller's application, null when empty or the value is malformed. */
    static String application(String value) {
        int first = value == null ? -1 : value.indexOf(';');
        int second = first < 0 ? -1 : value.indexOf(';', first + 1);
        return second < 0 || second == value.length() - 1 ? null : value.substring(second + 1);
    }
}
