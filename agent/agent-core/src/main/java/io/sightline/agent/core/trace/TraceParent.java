package io.sightline.agent.core.trace;

import java.nio.charset.StandardCharsets;

import io.sightline.protocol.TraceIds;

/** The W3C {@code traceparent} header: {@code 00-<trace id>-<parent span id>-<flags>}. */
public final class TraceParent {
    public final byte[] traceId;
    public final long spanId;
    public final boolean sampled;

    public TraceParent(byte[] traceId, long spanId, boolean sampled) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.sampled = sampled;
    }

    /**
     * Parses a header value; null when it is absent or invalid (the caller then starts a new
     * trace). Versions above 00 are read as 00 when their first four fields have its shape, as the
     * specification asks; version ff is invalid.
     */
    public static TraceParent parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() < 55 || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
            return null;
        }
        int version = hexByte(h, 0);
        if (version < 0 || version == 0xff) {
            return null;
        }
        if (version == 0 && h.length() != 55) {
            return null;
        }
        if (version > 0 && h.length() > 55 && h.charAt(55) != '-') {
            return null;
        }
        byte[] traceId = TraceIds.parseTraceId(lower(h.substring(3, 35)));
        if (traceId == null) {
            return null;
        }
        String span = h.substring(36, 52);
        if (!isLowerHex(span)) {
            return null;
        }
        long spanId = TraceIds.parseSpanId(span, 0);
        if (spanId == 0) {
            return null;
        }
        int flags = hexByte(h, 53);
        if (flags < 0) {
            return null;
        }
        return new TraceParent(traceId, spanId, (flags & 1) == 1);
    }

    /** Characters of a header value made by {@link #format}. */
    static final int LENGTH = 55;

    /** The header value for a call whose callee's parent is {@code spanId}. */
    public static String format(byte[] traceId, long spanId, boolean sampled) {
        // built as Latin-1 bytes: the String copies them once (a char[] cost twice the bytes)
        byte[] out = new byte[LENGTH];
        write(out, 0, traceId, spanId, sampled);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** {@link #format}'s text as ASCII bytes at {@code out[at..at + LENGTH)}. */
    static void write(byte[] out, int at, byte[] traceId, long spanId, boolean sampled) {
        out[at] = '0';
        out[at + 1] = '0';
        out[at + 2] = '-';
        for (int i = 0; i < 16; i++) {
            out[at + 3 + 2 * i] = HEX_BYTES[(traceId[i] >> 4) & 0xf];
            out[at + 4 + 2 * i] = HEX_BYTES[traceId[i] & 0xf];
        }
        out[at + 35] = '-';
        for (int i = at + 51; i >= at + 36; i--) {
            out[i] = HEX_BYTES[(int) (spanId & 0xf)];
            spanId >>>= 4;
        }
        out[at + 52] = '-';
        out[at + 53] = '0';
        out[at + 54] = (byte) (sampled ? '1' : '0');
    }

    private static final byte[] HEX_BYTES = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private static String lower(String s) {
        // the spec asks for lowercase; uppercase ids are refused
        return isLowerHex(s) ? s : null;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static int hexByte(String s, int at) {
        int hi = Character.digit(s.charAt(at), 16);
        int lo = Character.digit(s.charAt(at + 1), 16);
        if (hi < 0 || lo < 0 || Character.isUpperCase(s.charAt(at)) || Character.isUpperCase(s.charAt(at + 1))) {
            return -1;
        }
        return hi << 4 | lo;
    }
}
