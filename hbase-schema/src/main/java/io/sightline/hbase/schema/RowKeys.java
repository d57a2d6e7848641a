package io.sightline.hbase.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Row key and qualifier codecs shared by writers and readers. Names of any length (agent ids,
 * application names, server-map node keys) become fixed 8-byte hashes; the names themselves are
 * stored in values so readers can check them.
 */
public final class RowKeys {
    /** Buckets of the trace index salt; part of the on-disk format (changing it needs a migration). */
    public static final int SALT_BUCKETS = 8;
    public static final int HASH_LENGTH = 8;
    public static final int TRACE_ID_LENGTH = 16;
    /** salt + application hash + reversed start time + trace id + span id. */
    public static final int INDEX_ROW_LENGTH = 1 + HASH_LENGTH + 8 + TRACE_ID_LENGTH + 8;
    /** The part of an index row after salt and application: what orders the results. */
    public static final int INDEX_SUFFIX_LENGTH = 8 + TRACE_ID_LENGTH + 8;
    public static final byte MAP_IN = 'i';
    public static final byte MAP_OUT = 'o';

    private RowKeys() {
    }

    /** 8-byte hash of a name (first bytes of SHA-256 of its UTF-8 form). */
    public static byte[] hash(String name) {
        MessageDigest md = SHA256.get();
        md.reset();
        return Arrays.copyOf(md.digest(name.getBytes(StandardCharsets.UTF_8)), HASH_LENGTH);
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    // ------------------------------------------------------------------ traces

    /** Qualifier of one span in the traces row: agent hash + span id. */
    public static byte[] spanQualifier(String agentId, long spanId) {
        byte[] q = new byte[HASH_LENGTH + 8];
        System.arraycopy(hash(agentId), 0, q, 0, HASH_LENGTH);
        putLong(q, HASH_LENGTH, spanId);
        return q;
    }

    // ------------------------------------------------------------------ trace index

    /** Salt of a span: spreads one application's writes over {@link #SALT_BUCKETS} regions. */
    public static int salt(byte[] traceId, long spanId) {
        int h = Arrays.hashCode(traceId) * 31 + Long.hashCode(spanId);
        h ^= h >>> 16;
        return Math.floorMod(h, SALT_BUCKETS);
    }

    public static byte[] indexRow(String application, long startTime, byte[] traceId, long spanId) {
        return indexRow(hash(application), startTime, traceId, spanId);
    }

    public static byte[] indexRow(byte[] appHash, long startTime, byte[] traceId, long spanId) {
        checkTraceId(traceId);
        byte[] row = new byte[INDEX_ROW_LENGTH];
        row[0] = (byte) salt(traceId, spanId);
        System.arraycopy(appHash, 0, row, 1, HASH_LENGTH);
        putLong(row, 1 + HASH_LENGTH, reverse(startTime));
        System.arraycopy(traceId, 0, row, 1 + HASH_LENGTH + 8, TRACE_ID_LENGTH);
        putLong(row, 1 + HASH_LENGTH + 8 + TRACE_ID_LENGTH, spanId);
        return row;
    }

    /** First row of a bucket for spans that started before {@code to} (newest first). */
    public static byte[] indexScanStart(int salt, byte[] appHash, long to) {
        byte[] row = new byte[1 + HASH_LENGTH + 8];
        row[0] = (byte) salt;
        System.arraycopy(appHash, 0, row, 1, HASH_LENGTH);
        // start time <= to - 1  <=>  reversed >= reverse(to - 1)
        putLong(row, 1 + HASH_LENGTH, reverse(to - 1));
        return row;
    }

    /** Row just after the last one of a bucket for spans that started at or after {@code from}. */
    public static byte[] indexScanStop(int salt, byte[] appHash, long from) {
        byte[] row = new byte[1 + HASH_LENGTH + 8];
        row[0] = (byte) salt;
        System.arraycopy(appHash, 0, row, 1, HASH_LENGTH);
        // reversed <= reverse(from)  <=>  row < prefix + (reverse(from) + 1)
        putLong(row, 1 + HASH_LENGTH, reverse(from) + 1);
        return row;
    }

    /** The row after {@code suffix} in a bucket: resume point of a cursor (exclusive). */
    public static byte[] indexResumeAfter(int salt, byte[] appHash, byte[] suffix) {
        byte[] row = new byte[1 + HASH_LENGTH + suffix.length + 1];
        row[0] = (byte) salt;
        System.arraycopy(appHash, 0, row, 1, HASH_LENGTH);
        System.arraycopy(suffix, 0, row, 1 + HASH_LENGTH, suffix.length);
        return row; // trailing 0x00 makes it the smallest row greater than the suffix row
    }

    public static byte[] indexSuffix(byte[] row) {
        return Arrays.copyOfRange(row, 1 + HASH_LENGTH, INDEX_ROW_LENGTH);
    }

    public static long indexStartTime(byte[] row) {
        return reverse(getLong(row, 1 + HASH_LENGTH));
    }

    public static byte[] indexTraceId(byte[] row) {
        return Arrays.copyOfRange(row, 1 + HASH_LENGTH + 8, 1 + HASH_LENGTH + 8 + TRACE_ID_LENGTH);
    }

    public static long indexSpanId(byte[] row) {
        return getLong(row, 1 + HASH_LENGTH + 8 + TRACE_ID_LENGTH);
    }

    // ------------------------------------------------------------------ server map

    /** Minute slot of a time: the start of its minute. */
    public static long minute(long time) {
        return Math.floorDiv(time, 60_000L) * 60_000L;
    }

    /** Row of one node's links in one direction ({@link #MAP_IN} or {@link #MAP_OUT}) in one minute. */
    public static byte[] mapRow(String nodeKey, byte direction, long minute) {
        byte[] row = new byte[HASH_LENGTH + 1 + 8];
        System.arraycopy(hash(nodeKey), 0, row, 0, HASH_LENGTH);
        row[HASH_LENGTH] = direction;
        putLong(row, HASH_LENGTH + 1, minute);
        return row;
    }

    public static long mapRowMinute(byte[] row) {
        return getLong(row, HASH_LENGTH + 1);
    }

    /** Map statistic fields: the last byte of a map qualifier. */
    public static final class MapField {
        public static final byte UNDER_1S = '1';
        public static final byte UNDER_3S = '3';
        public static final byte UNDER_5S = '5';
        public static final byte SLOW = 's';
        public static final byte ERROR = 'e';
        /** Sum of elapsed ms of every call (successes and errors). */
        public static final byte SUM = 'S';
        /**
         * Maximum elapsed: increments cannot keep a maximum, so each writer puts a cell whose
         * qualifier ends with the 8-byte value it saw; a reader takes the largest. Any number of
         * collectors stay correct, and a minute holds at most a few such cells.
         */
        public static final byte MAX = 'M';

        private MapField() {
        }
    }

    /** Qualifier of a counter for one peer node: peer key UTF-8 + 0x00 + field. */
    public static byte[] mapQualifier(String peerKey, byte field) {
        byte[] peer = peerKey.getBytes(StandardCharsets.UTF_8);
        byte[] q = new byte[peer.length + 2];
        System.arraycopy(peer, 0, q, 0, peer.length);
        q[peer.length + 1] = field;
        return q;
    }

    /** Qualifier carrying a maximum: peer key + 0x00 + 'M' + 8-byte value. */
    public static byte[] mapMaxQualifier(String peerKey, long max) {
        byte[] peer = peerKey.getBytes(StandardCharsets.UTF_8);
        byte[] q = new byte[peer.length + 2 + 8];
        System.arraycopy(peer, 0, q, 0, peer.length);
        q[peer.length + 1] = MapField.MAX;
        putLong(q, peer.length + 2, max);
        return q;
    }

    /** A decoded map qualifier: peer node key, field, and (for MAX) the value. */
    public record MapQualifier(String peerKey, byte field, long max) {
    }

    /** Decodes a map qualifier; null when it is not one of ours. */
    public static MapQualifier parseMapQualifier(byte[] q) {
        int zero = -1;
        for (int i = 0; i < q.length; i++) {
            if (q[i] == 0) {
                zero = i;
                break;
            }
        }
        if (zero < 0 || zero + 1 >= q.length) {
            return null;
        }
        String peer = new String(q, 0, zero, StandardCharsets.UTF_8);
        byte field = q[zero + 1];
        if (field == MapField.MAX) {
            if (q.length != zero + 2 + 8) {
                return null;
            }
            return new MapQualifier(peer, field, getLong(q, zero + 2));
        }
        return q.length == zero + 2 ? new MapQualifier(peer, field, 0) : null;
    }

    // ------------------------------------------------------------------ agents, stats, metadata

    public static byte[] agentRow(String agentId) {
        return hash(agentId);
    }

    public static byte[] agentStatsRow(String agentId, long timestamp) {
        byte[] row = new byte[HASH_LENGTH + 8];
        System.arraycopy(hash(agentId), 0, row, 0, HASH_LENGTH);
        putLong(row, HASH_LENGTH, timestamp);
        return row;
    }

    public static long agentStatsTime(byte[] row) {
        return getLong(row, HASH_LENGTH);
    }

    public static byte[] metadataRow(int kind, long id) {
        byte[] row = new byte[9];
        row[0] = (byte) kind;
        putLong(row, 1, id);
        return row;
    }

    public static byte[] endpointRow(String endpoint) {
        return endpoint.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ helpers

    /** Newest first: larger times get smaller keys. */
    public static long reverse(long time) {
        return Long.MAX_VALUE - time;
    }

    public static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    public static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    public static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        putLong(b, 0, v);
        return b;
    }

    private static void checkTraceId(byte[] traceId) {
        if (traceId == null || traceId.length != TRACE_ID_LENGTH) {
            throw new IllegalArgumentException("trace id must be 16 bytes");
        }
    }
}
