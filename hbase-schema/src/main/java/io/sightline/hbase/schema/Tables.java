package io.sightline.hbase.schema;

import java.util.List;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.io.encoding.DataBlockEncoding;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * The one definition of Sightline's tables: names, column families, qualifiers, TTLs, encodings
 * and pre-splits. Writers, readers and the schema tool all use these constants.
 *
 * <p>Compression is GZ only: it is the one codec that works on every JVM without native
 * libraries. Row key layouts are in {@link RowKeys}.
 */
public final class Tables {
    public static final String NAMESPACE = "sightline";
    private static final int DAY_SECONDS = 24 * 3600;

    /** Agents: row = agent hash; the agent id itself is inside the AgentInfo value. */
    public static final TableName AGENTS = TableName.valueOf(NAMESPACE, "agents");
    public static final byte[] AGENTS_CF = Bytes.toBytes("a");
    /** AgentInfo protobuf of the agent's latest run. */
    public static final byte[] AGENT_INFO = Bytes.toBytes("i");
    /** Last ping (or other sign of life), 8-byte epoch ms. */
    public static final byte[] AGENT_LAST_SEEN = Bytes.toBytes("p");
    /** Clean shutdown of the run that started at the value's agent start time: 8 + 8 bytes. */
    public static final byte[] AGENT_SHUTDOWN = Bytes.toBytes("s");
    /** Address of the collector holding the agent's command stream (text), and since when. */
    public static final byte[] AGENT_COLLECTOR = Bytes.toBytes("c");

    /** Traces: row = 16-byte trace id; one cell per span, qualifier = agent hash + span id. */
    public static final TableName TRACES = TableName.valueOf(NAMESPACE, "traces");
    public static final byte[] TRACES_CF = Bytes.toBytes("s");

    /** Trace index: row = salt + application hash + reversed start + trace id + span id. */
    public static final TableName TRACE_INDEX = TableName.valueOf(NAMESPACE, "trace_index");
    public static final byte[] INDEX_CF = Bytes.toBytes("d");
    /** Elapsed ms, 8-byte big-endian (non-negative, so byte order = numeric order). */
    public static final byte[] IDX_ELAPSED = Bytes.toBytes("e");
    /** 1 byte: 1 = error, 0 = success. */
    public static final byte[] IDX_ERROR = Bytes.toBytes("x");
    public static final byte[] IDX_AGENT = Bytes.toBytes("a");
    public static final byte[] IDX_URI = Bytes.toBytes("u");
    public static final byte[] IDX_URI_TEMPLATE = Bytes.toBytes("t");
    /** Client address as 16 bytes (IPv4 mapped into IPv6), absent when unknown. */
    public static final byte[] IDX_CLIENT_IP = Bytes.toBytes("c");
    /** The client address as text, as received. */
    public static final byte[] IDX_CLIENT_IP_TEXT = Bytes.toBytes("C");
    public static final byte[] IDX_STATUS = Bytes.toBytes("s");
    public static final byte[] IDX_METHOD = Bytes.toBytes("m");
    /** "Class: message" of the span's exception. */
    public static final byte[] IDX_EXCEPTION = Bytes.toBytes("X");

    /** Server-map statistics: row = node hash + direction + minute; see {@link RowKeys#mapRow}. */
    public static final TableName MAP_STATS = TableName.valueOf(NAMESPACE, "map_stats");
    public static final byte[] MAP_CF = Bytes.toBytes("m");

    /** JVM statistics: row = agent hash + timestamp, one JvmStat protobuf per row. */
    public static final TableName AGENT_STATS = TableName.valueOf(NAMESPACE, "agent_stats");
    public static final byte[] STATS_CF = Bytes.toBytes("s");
    public static final byte[] STATS_JVM = Bytes.toBytes("j");

    /** Metadata texts: row = kind byte + 8-byte id (io.sightline.protocol.MetadataIds). */
    public static final TableName METADATA = TableName.valueOf(NAMESPACE, "metadata");
    public static final byte[] METADATA_CF = Bytes.toBytes("m");
    public static final byte[] METADATA_VALUE = Bytes.toBytes("v");

    /** Endpoints: row = "host:port" an application was called at; qualifier = application name. */
    public static final TableName ENDPOINTS = TableName.valueOf(NAMESPACE, "endpoints");
    public static final byte[] ENDPOINTS_CF = Bytes.toBytes("e");

    /** Schema bookkeeping: the applied version and one row per applied step. */
    public static final TableName SCHEMA = TableName.valueOf(NAMESPACE, "schema");
    public static final byte[] SCHEMA_CF = Bytes.toBytes("v");

    private Tables() {
    }

    /** Every table of the current schema, as it should be for the given retention. */
    public static List<TableDescriptor> all(int retentionDays) {
        return List.of(agents(), traces(retentionDays), traceIndex(retentionDays), mapStats(retentionDays),
                agentStats(retentionDays), metadata(), endpoints(retentionDays), schema());
    }

    /** Split keys of a table (null when it starts with one region). */
    public static byte[][] splitKeys(TableName table) {
        if (table.equals(TRACES)) {
            // trace ids are random: spread on the first byte
            byte[][] keys = new byte[7][];
            for (int i = 1; i < 8; i++) {
                keys[i - 1] = new byte[] {(byte) (i * 32)};
            }
            return keys;
        }
        if (table.equals(TRACE_INDEX)) {
            byte[][] keys = new byte[RowKeys.SALT_BUCKETS - 1][];
            for (int i = 1; i < RowKeys.SALT_BUCKETS; i++) {
                keys[i - 1] = new byte[] {(byte) i};
            }
            return keys;
        }
        return null;
    }

    static TableDescriptor agents() {
        return table(AGENTS, family(AGENTS_CF, 0, false, false));
    }

    static TableDescriptor traces(int retentionDays) {
        return table(TRACES, family(TRACES_CF, retentionDays, true, false));
    }

    static TableDescriptor traceIndex(int retentionDays) {
        return table(TRACE_INDEX, family(INDEX_CF, retentionDays, true, true));
    }

    static TableDescriptor mapStats(int retentionDays) {
        return table(MAP_STATS, family(MAP_CF, retentionDays, true, true));
    }

    static TableDescriptor agentStats(int retentionDays) {
        return table(AGENT_STATS, family(STATS_CF, retentionDays, true, true));
    }

    static TableDescriptor metadata() {
        // no TTL: a text is written once and referred to for as long as agents use it
        return table(METADATA, family(METADATA_CF, 0, true, false));
    }

    static TableDescriptor endpoints(int retentionDays) {
        return table(ENDPOINTS, family(ENDPOINTS_CF, retentionDays, false, false));
    }

    static TableDescriptor schema() {
        return table(SCHEMA, family(SCHEMA_CF, 0, false, false));
    }

    /** Whether the family's settings depend on the retention (so the tool keeps them in step). */
    static boolean hasRetentionTtl(TableName table) {
        return table.equals(TRACES) || table.equals(TRACE_INDEX) || table.equals(MAP_STATS)
                || table.equals(AGENT_STATS) || table.equals(ENDPOINTS);
    }

    public static int ttlSeconds(int retentionDays) {
        if (retentionDays < 1 || retentionDays > 3650) {
            throw new IllegalArgumentException("retention days must be 1..3650: " + retentionDays);
        }
        return retentionDays * DAY_SECONDS;
    }

    private static TableDescriptor table(TableName name, ColumnFamilyDescriptor family) {
        return TableDescriptorBuilder.newBuilder(name).setColumnFamily(family).build();
    }

    private static ColumnFamilyDescriptor family(byte[] name, int retentionDays, boolean gz, boolean prefixKeys) {
        ColumnFamilyDescriptorBuilder b = ColumnFamilyDescriptorBuilder.newBuilder(name)
                .setMaxVersions(1)
                .setBloomFilterType(BloomType.ROW)
                .setCompressionType(gz ? Compression.Algorithm.GZ : Compression.Algorithm.NONE)
                .setDataBlockEncoding(prefixKeys ? DataBlockEncoding.FAST_DIFF : DataBlockEncoding.NONE);
        if (retentionDays > 0) {
            b.setTimeToLive(ttlSeconds(retentionDays));
        }
        return b.build();
    }
}
