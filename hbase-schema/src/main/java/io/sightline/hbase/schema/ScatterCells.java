package io.sightline.hbase.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The scatter density table's layout, shared by the collector's writer and the web's reader.
 *
 * <pre>
 * row        application hash (8) + bucket start (8, epoch ms, a multiple of {@link #BUCKET_MS})
 * 'f' + writer id (8) + flush number (8)
 *            one cell per collector flush that touched the bucket, packed (see {@link #pack}):
 *            span counts per (outcome, logarithmic elapsed row), and the spans of the cells that
 *            got at most {@link #EXACT_PER_FLUSH} spans in that flush
 * </pre>
 *
 * One packed cell per flush rather than one counter per (outcome, row): a window reads a few
 * cells per bucket instead of hundreds, and a flush retried after an ambiguous failure writes
 * the same qualifier again, so nothing is counted twice. A reader sums a row's cells and returns
 * a cell's points only when its total count is small (a sparse cell: an outlier).
 */
public final class ScatterCells {
    /** Width of a time bucket. */
    public static final long BUCKET_MS = 5_000;
    /** Elapsed row growth: row r >= 1 holds elapsed in [RATIO^(r-1), RATIO^r). */
    public static final double RATIO = 1.04;
    /** A cell with at most this many spans in one flush also writes the spans themselves. */
    public static final int EXACT_PER_FLUSH = 2;
    public static final byte FLUSH = 'f';
    public static final int FLUSH_QUALIFIER_LENGTH = 17;
    private static final double LOG_RATIO = Math.log(RATIO);
    private static final int MAX_ROW = 0x3fff_ffff;

    private ScatterCells() {
    }

    /** The start of the bucket holding {@code time}. */
    public static long bucket(long time) {
        return Math.floorDiv(time, BUCKET_MS) * BUCKET_MS;
    }

    /** The row of an elapsed time: 0 for 0 ms (or less), then logarithmic buckets. */
    public static int row(long elapsed) {
        if (elapsed <= 0) {
            return 0;
        }
        // bucket r covers [RATIO^(r-1), RATIO^r); compensate floating error at the edges
        int r = (int) Math.floor(Math.log(elapsed) / LOG_RATIO) + 1;
        while (r > 1 && lowerBound(r) > elapsed) {
            r--;
        }
        while (lowerBound(r + 1) <= elapsed) {
            r++;
        }
        return Math.min(r, MAX_ROW);
    }

    /** The smallest elapsed (ms, may be fractional) that falls in {@code row}. */
    public static double lowerBound(int row) {
        return row <= 0 ? 0 : Math.pow(RATIO, row - 1);
    }

    public static byte[] rowKey(byte[] appHash, long bucketStart) {
        byte[] row = new byte[RowKeys.HASH_LENGTH + 8];
        System.arraycopy(appHash, 0, row, 0, RowKeys.HASH_LENGTH);
        RowKeys.putLong(row, RowKeys.HASH_LENGTH, bucketStart);
        return row;
    }

    public static long bucketOf(byte[] rowKey) {
        return RowKeys.getLong(rowKey, RowKeys.HASH_LENGTH);
    }

    /** Qualifier of one flush's packed cell. */
    public static byte[] flushQualifier(long writerId, long flush) {
        byte[] q = new byte[FLUSH_QUALIFIER_LENGTH];
        q[0] = FLUSH;
        RowKeys.putLong(q, 1, writerId);
        RowKeys.putLong(q, 9, flush);
        return q;
    }

    /** A (outcome, row) cell as one int: row << 1 | error. */
    public static int cellKey(boolean error, int row) {
        return row << 1 | (error ? 1 : 0);
    }

    public static int cellRow(int cellKey) {
        return cellKey >>> 1;
    }

    public static boolean cellError(int cellKey) {
        return (cellKey & 1) == 1;
    }

    /** One span kept with its cell. */
    public record Point(int cellKey, byte[] traceId, long spanId, long startTime, long elapsed, String agentId) {
    }

    /** Receives the content of a packed cell. */
    public interface Visitor {
        void count(int cellKey, long count);

        void point(Point p);
    }

    /**
     * Packs counts ({@code keys[i]} has {@code counts[i]} spans) and points of one bucket:
     * varint n, n x (varint key, varint count), varint m, m x (varint key, trace id 16,
     * span id 8, varint start - bucket, varint elapsed, varint agent length, agent UTF-8).
     */
    public static byte[] pack(long bucket, int[] keys, long[] counts, int n, java.util.List<Point> points) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n * 4 + points.size() * 48 + 8);
        varint(out, n);
        for (int i = 0; i < n; i++) {
            varint(out, keys[i]);
            varint(out, counts[i]);
        }
        varint(out, points.size());
        for (Point p : points) {
            varint(out, p.cellKey());
            out.write(p.traceId(), 0, RowKeys.TRACE_ID_LENGTH);
            out.write(RowKeys.longBytes(p.spanId()), 0, 8);
            varint(out, Math.max(0, p.startTime() - bucket));
            varint(out, Math.max(0, p.elapsed()));
            byte[] a = p.agentId().getBytes(StandardCharsets.UTF_8);
            varint(out, a.length);
            out.write(a, 0, a.length);
        }
        return out.toByteArray();
    }

    /** Reads a packed cell; false (and nothing or part visited) when it is not one of ours. */
    public static boolean unpack(byte[] b, int off, int len, long bucket, Visitor v) {
        int[] pos = {off};
        int end = off + len;
        try {
            long n = readVarint(b, pos, end);
            for (long i = 0; i < n; i++) {
                int key = (int) readVarint(b, pos, end);
                v.count(key, readVarint(b, pos, end));
            }
            long m = readVarint(b, pos, end);
            for (long i = 0; i < m; i++) {
                int key = (int) readVarint(b, pos, end);
                if (pos[0] + RowKeys.TRACE_ID_LENGTH + 8 > end) {
                    return false;
                }
                byte[] trace = Arrays.copyOfRange(b, pos[0], pos[0] + RowKeys.TRACE_ID_LENGTH);
                long spanId = RowKeys.getLong(b, pos[0] + RowKeys.TRACE_ID_LENGTH);
                pos[0] += RowKeys.TRACE_ID_LENGTH + 8;
                long start = bucket + readVarint(b, pos, end);
                long elapsed = readVarint(b, pos, end);
                int alen = (int) readVarint(b, pos, end);
                if (alen < 0 || pos[0] + alen > end) {
                    return false;
                }
                String agent = new String(b, pos[0], alen, StandardCharsets.UTF_8);
                pos[0] += alen;
                v.point(new Point(key, trace, spanId, start, elapsed, agent));
            }
            return pos[0] == end;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void varint(java.io.ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] b, int[] pos, int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                throw new IllegalArgumentException("truncated");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
