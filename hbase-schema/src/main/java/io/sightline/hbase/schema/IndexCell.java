package io.sightline.hbase.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The trace index's filter cell: fixed-offset fields, then the URI, then (rows written since the
 * index row became one cell) the details the transaction list shows. One cell instead of one per
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
 * 34  .. URI, UTF-8
 *  then, in one-cell rows only: the byte 0xFF, then the details (a Span message)
 * </pre>
 *
 * <p>0xFF never occurs in UTF-8, so it ends the URI unambiguously: the URI regexes stop at it and
 * match old rows (URI to the end of the value, details in a cell of their own,
 * {@link Tables#IDX_DETAILS}) and one-cell rows alike.
 */
public final class IndexCell {
    public static final int ELAPSED = 0;
    public static final int ERROR = 8;
    public static final int HAS_IP = 9;
    public static final int IP = 10;
    public static final int AGENT = 26;
    public static final int URI = 34;
    /** Ends the URI when details follow it (one-cell rows); never a byte of UTF-8. */
    public static final byte DETAILS_MARK = (byte) 0xFF;

    private IndexCell() {
    }

    public static byte[] encode(long elapsed, boolean error, byte[] ip16, String agentId, String uri) {
        return encode(elapsed, error, ip16, RowKeys.hash(agentId), uri);
    }

    /** As above, with the agent id's hash ({@link RowKeys#hash}) given, so writers can reuse it. */
    public static byte[] encode(long elapsed, boolean error, byte[] ip16, byte[] agentHash, String uri) {
        return encode(elapsed, error, ip16, agentHash, uri, null);
    }

    /**
     * The one-cell form: as above, followed by {@link #DETAILS_MARK} and {@code details} (none
     * when null: the older layout, whose details are in a cell of their own).
     */
    public static byte[] encode(long elapsed, boolean error, byte[] ip16, byte[] agentHash, String uri, byte[] details) {
        if (agentHash.length != RowKeys.HASH_LENGTH) {
            throw new IllegalArgumentException("agent hash must be " + RowKeys.HASH_LENGTH + " bytes");
        }
        byte[] u = uri.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[URI + u.length + (details == null ? 0 : 1 + details.length)];
        if (details != null) {
            v[URI + u.length] = DETAILS_MARK;
            System.arraycopy(details, 0, v, URI + u.length + 1, details.length);
        }
        RowKeys.putLong(v, ELAPSED, Math.max(0, elapsed));
        v[ERROR] = (byte) (error ? 1 : 0);
        if (ip16 != null) {
            if (ip16.length != 16) {
                throw new IllegalArgumentException("client address must be 16 bytes");
            }
            v[HAS_IP] = 1;
            System.arraycopy(ip16, 0, v, IP, 16);
        }
        System.arraycopy(agentHash, 0, v, AGENT, RowKeys.HASH_LENGTH);
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
        return new String(v, URI, uriEnd(v) - URI, StandardCharsets.UTF_8);
    }

    /** The details that follow the URI in a one-cell row; null for an older row (details in their own cell). */
    public static byte[] details(byte[] v) {
        int end = uriEnd(v);
        return end == v.length ? null : Arrays.copyOfRange(v, end + 1, v.length);
    }

    /** Offset just after the URI: the details mark, or the end of the value. */
    private static int uriEnd(byte[] v) {
        for (int i = URI; i < v.length; i++) {
            if (v[i] == DETAILS_MARK) {
                return i;
            }
        }
        return v.length;
    }

    /** A UTF-8 text as the ISO-8859-1 characters its bytes read as (how the URI regex sees it). */
    public static String asLatin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
