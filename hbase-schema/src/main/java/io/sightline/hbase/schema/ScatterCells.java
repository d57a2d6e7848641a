package io.sightline.hbase.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The scatter density table's layout, shared by the collector's writer and the web's reader.
 *
 * <pre>
 * row        application hash (8) + bucket start (8, epoch ms, a multiple of {@link #BUCKET_MS})
 * 'c' o rr   counter (8-byte increment) of the spans of outcome o (0 success, 1 error) whose
 *            elapsed falls in logarithmic row rr (2 bytes, see {@link #row})
 * 'p' o rr + trace id (16) + span id (8)
 *            one span of that cell, written by a collector when the cell got at most
 *            {@link #EXACT_PER_FLUSH} spans in one flush: start time (8) + elapsed (8) + agent id
 * </pre>
 *
 * A reader returns a cell's points only when the cell's total count is small (a sparse cell: an
 * outlier), so dense cells cost a counter, whatever their size.
 */
public final class ScatterCells {
    /** Width of a time bucket. */
    public static final long BUCKET_MS = 5_000;
    /** Elapsed row growth: row r >= 1 holds elapsed in [RATIO^(r-1), RATIO^r). */
    public static final double RATIO = 1.04;
    /** A cell with at most this many spans in one flush also writes the spans themselves. */
    public static final int EXACT_PER_FLUSH = 2;
    public static final byte COUNT = 'c';
    public static final byte POINT = 'p';
    /** Length of a counter qualifier; a point qualifier adds trace id and span id. */
    public static final int COUNT_QUALIFIER_LENGTH = 4;
    public static final int POINT_QUALIFIER_LENGTH = COUNT_QUALIFIER_LENGTH + RowKeys.TRACE_ID_LENGTH + 8;
    private static final double LOG_RATIO = Math.log(RATIO);
    private static final int MAX_ROW = 0xffff;

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

    public static byte[] countQualifier(boolean error, int row) {
        return new byte[] {COUNT, (byte) (error ? 1 : 0), (byte) (row >>> 8), (byte) row};
    }

    public static byte[] pointQualifier(boolean error, int row, byte[] traceId, long spanId) {
        byte[] q = Arrays.copyOf(countQualifier(error, row), POINT_QUALIFIER_LENGTH);
        q[0] = POINT;
        System.arraycopy(traceId, 0, q, COUNT_QUALIFIER_LENGTH, RowKeys.TRACE_ID_LENGTH);
        RowKeys.putLong(q, COUNT_QUALIFIER_LENGTH + RowKeys.TRACE_ID_LENGTH, spanId);
        return q;
    }

    public static byte[] pointValue(long startTime, long elapsed, String agentId) {
        byte[] a = agentId.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[16 + a.length];
        RowKeys.putLong(v, 0, startTime);
        RowKeys.putLong(v, 8, elapsed);
        System.arraycopy(a, 0, v, 16, a.length);
        return v;
    }

    /** Outcome of a counter or point qualifier. */
    public static boolean error(byte[] q, int off) {
        return q[off + 1] == 1;
    }

    /** Elapsed row of a counter or point qualifier. */
    public static int row(byte[] q, int off) {
        return (q[off + 2] & 0xff) << 8 | (q[off + 3] & 0xff);
    }
}
