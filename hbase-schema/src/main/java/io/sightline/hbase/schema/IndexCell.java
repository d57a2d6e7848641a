package io.sightline.hbase.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The trace index's filter cell: fixed-offset fields, then the URI. One cell instead of one per
 * field keeps an index row small and cheap to write, and every contract filter still runs on the
 * region server with built-in classes: BinaryComponentComparator for the fixed fields,
 * RegexStringComparator (ISO-8859-1, so one byte = one character) for the URI after the header.
 *
 * <pre>
 *  0  8  elapsed ms, big-endian, non-negative (byte order = numeric order)
 *  8  1  error: 1 or 0
 *  9  1  client address known: 1 or 0
 * 10 16  client address, IPv4 mapped into IPv6 (zeros when unknown)
 * 26  8  agent id hash
 * 34  .. URI, UTF-8 (the rest of the value)
 * </pre>
 */
public final class IndexCell {
    public static final int ELAPSED = 0;
    public static final int ERROR = 8;
    public static final int HAS_IP = 9;
    public static final int IP = 10;
    public static final int AGENT = 26;
    public static final int URI = 34;

    private IndexCell() {
    }

    public static byte[] encode(long elapsed, boolean error, byte[] ip16, String agentId, String uri) {
        byte[] u = uri.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[URI + u.length];
        RowKeys.putLong(v, ELAPSED, Math.max(0, elapsed));
        v[ERROR] = (byte) (error ? 1 : 0);
        if (ip16 != null) {
            if (ip16.length != 16) {
                throw new IllegalArgumentException("client address must be 16 bytes");
            }
            v[HAS_IP] = 1;
            System.arraycopy(ip16, 0, v, IP, 16);
        }
        System.arraycopy(RowKeys.hash(agentId), 0, v, AGENT, RowKeys.HASH_LENGTH);
        System.arraycopy(u, 0, v, URI, u.length);
        return v;
    }

    public static long elapsed(byte[] v) {
        return RowKeys.getLong(v, ELAPSED);
    }

    public static boolean error(byte[] v) {
        return v[ERROR] == 1;
    }

    public static byte[] agentHash(byte[] v) {
        return Arrays.copyOfRange(v, AGENT, AGENT + RowKeys.HASH_LENGTH);
    }

    public static String uri(byte[] v) {
        return new String(v, URI, v.length - URI, StandardCharsets.UTF_8);
    }

    /** A UTF-8 text as the ISO-8859-1 characters its bytes read as (how the URI regex sees it). */
    public static String asLatin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
