package io.sightline.agent.core.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Strings of short ASCII byte ranges (a request's URI, its Host header), found by hashing the
 * bytes where they lie, so that a server handing us the raw bytes of a request gets the same
 * String back for the same bytes without anything being decoded or allocated. Direct-mapped and
 * bounded: a slot keeps the last text stored there; texts longer than {@link #MAX_LENGTH} are
 * made each time and not kept.
 *
 * <p>Slots are read and written without locks: a String is immutable and safely published by
 * its final fields, so a reader sees either the old or the new text, both whole.
 */
public final class TextCache {
    /** Longest text kept. */
    public static final int MAX_LENGTH = 256;

    private final String[] slots;
    private final int mask;

    /** @param size slots, rounded up to a power of two */
    public TextCache(int size) {
        int n = Integer.highestOneBit(Math.max(2, size - 1)) << 1;
        slots = new String[n];
        mask = n - 1;
    }

    /**
     * The text of {@code bytes[start, end)} decoded with {@code charset}; null when that is not
     * certain to be the bytes' ASCII text (a byte above 0x7f, or a charset that is not
     * ASCII-compatible), in which case the caller decodes them its own way.
     */
    public String text(byte[] bytes, int start, int end, Charset charset) {
        if (bytes == null || start < 0 || end > bytes.length || start > end || !asciiCompatible(charset)) {
            return null;
        }
        int h = 0;
        int any = 0;
        for (int i = start; i < end; i++) {
            int b = bytes[i];
            any |= b; // a byte above 0x7f is negative: the sign bit stays
            h = 31 * h + b;
        }
        if (any < 0) {
            return null;
        }
        int length = end - start;
        if (length > MAX_LENGTH) {
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        int slot = (h ^ (h >>> 16)) & mask;
        String known = slots[slot];
        if (known != null && same(known, bytes, start, length)) {
            return known;
        }
        String text = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        slots[slot] = text;
        return text;
    }

    private static boolean same(String text, byte[] bytes, int start, int length) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) != bytes[start + i]) {
                return false;
            }
        }
        return true;
    }

    /** Charsets whose decoding of bytes 0x00-0x7f is those same characters. */
    private static boolean asciiCompatible(Charset charset) {
        return charset == StandardCharsets.ISO_8859_1 || charset == StandardCharsets.UTF_8
                || charset == StandardCharsets.US_ASCII
                || charset != null && "ISO-8859-1".equals(charset.name()) || charset != null && ("UTF-8".equals(charset.name()) || "US-ASCII".equals(charset.name()));
    }
}
