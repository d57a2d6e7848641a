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
    /**
     * What the transaction filters look at, in one cell of fixed layout (see {@link IndexCell}) so
     * that HBase's built-in comparators can test each field at its offset on the region server.
     */
    public static final byte[] IDX_FILTER = Bytes.toBytes("f");
    /**
     * What only the transaction list shows (agent id, client address text, method, status...), in
     * rows written by older releases; newer rows carry it at the end of the filter cell.
     */
    public static final byte[] IDX_DETAILS = Bytes.toBytes("d");

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

    /**
     * Scatter density pre-aggregated at ingest: row = application hash + 5 s bucket start; counters
     * per (outcome, logarithmic elapsed row) and the points of cells sparse in a flush. See
     * {@link ScatterCells}.
     */
    public static final TableName SCATTER_DENSITY = TableName.valueOf(NAMESPACE, "scatter_density");
    public static final byte[] DENSITY_CF = Bytes.toBytes("c");

    /** Schema bookkeeping: the applied version and one row per applied step. */
    public static final TableName SCHEMA = TableName.valueOf(NAMESPACE, "schema");
    public static final byte[] SCHEMA_CF = Bytes.toBytes("v");

    private Tables() {
    }

    /** Every table of the current schema, as it should be for the given retention. */
    public static List<TableDescriptor> all(int retentionDays) {
        return List.of(agents(), traces(retentionDays), traceIndex(retentionDays), mapStats(retentionDays),
                agentStats(retentionDays), metadata(), endpoints(retentionDays), scatterDensity(retentionDays), schema());
    }

    /** Regions the big tables (traces, trace_index) start with on a cluster. */
    public static final int DEFAULT_REGIONS = 8;

    /** Split keys of a table for {@link #DEFAULT_REGIONS} (null when it starts with one region). */
    public static byte[][] splitKeys(TableName table) {
        return splitKeys(table, DEFAULT_REGIONS);
    }

    /**
     * Split keys of a table that should start with {@code regions} regions (1, 2, 4 or 8): traces
     * split on the first byte of the (random) trace id, the trace index on salt boundaries. Fewer
     * regions suit a single server (each region in a write batch costs a log sync of its own);
     * more spread the load over a cluster's servers. Null when the table starts with one region.
     */
    public static byte[][] splitKeys(TableName table, int regions) {
        if (regions != 1 && regions != 2 && regions != 4 && regions != 8) {
            throw new IllegalArgumentException("regions must be 1, 2, 4 or 8: " + regions);
        }
        if (regions == 1 || !(table.equals(TRACES) || table.equals(TRACE_INDEX))) {
            return null;
        }
        byte[][] keys = new byte[regions - 1][];
        for (int i = 1; i < regions; i++) {
            keys[i - 1] = table.equals(TRACES)
                    ? new byte[] {(byte) (i * (256 / regions))}
                    : new byte[] {(byte) (i * (RowKeys.SALT_BUCKETS / regions))};
        }
        return keys;
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

    static TableDescriptor scatterDensity(int retentionDays) {
        return table(SCATTER_DENSITY, family(DENSITY_CF, retentionDays, true, true));
    }

    static TableDescriptor schema() {
        return table(SCHEMA, family(SCHEMA_CF, 0, false, false));
    }

    /** Whether the family's settings depend on the retention (so the tool keeps them in step). */
    static boolean hasRetentionTtl(TableName table) {
        return table.equals(TRACES) || table.equals(TRACE_INDEX) || table.equals(MAP_STATS)
                || table.equals(AGENT_STATS) || table.equals(ENDPOINTS) || table.equals(SCATTER_DENSITY);
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
