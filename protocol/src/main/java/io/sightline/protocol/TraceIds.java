package io.sightline.protocol;

/** Hex forms of W3C trace ids (16 bytes) and span ids (8 bytes). */
public final class TraceIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceIds() {
    }

    /** 32 lowercase hex characters. */
    public static String traceIdHex(byte[] traceId) {
        if (traceId == null || traceId.length != 16) {
            throw new IllegalArgumentException("trace id must be 16 bytes");
        }
        return hex(traceId);
    }

    /** 16 lowercase hex characters. */
    public static String spanIdHex(long spanId) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (spanId & 0xf)];
            spanId >>>= 4;
        }
        return new String(out);
    }

    /** Parses 32 hex characters (either case); null when the text is not a valid trace id. */
    public static byte[] parseTraceId(CharSequence text) {
        if (text == null || text.length() != 32) {
            return null;
        }
        byte[] out = new byte[16];
        boolean allZero = true;
        for (int i = 0; i < 16; i++) {
            int hi = digit(text.charAt(2 * i));
            int lo = digit(text.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
            allZero &= out[i] == 0;
        }
        return allZero ? null : out;
    }

    /** Parses 16 hex characters starting at {@code from}; 0 when invalid. */
    public static long parseSpanId(CharSequence text, int from) {
        if (text == null || text.length() < from + 16) {
            return 0;
        }
        long v = 0;
        for (int i = from; i < from + 16; i++) {
            int d = digit(text.charAt(i));
            if (d < 0) {
                return 0;
            }
            v = v << 4 | d;
        }
        return v;
    }

    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
