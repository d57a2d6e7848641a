package io.sightline.hbase.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.hbase.standalone.HBaseTestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.io.encoding.DataBlockEncoding;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Against a real standalone HBase; the tests build on each other in order. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaToolTest {
    private static Connection connection;

    @BeforeAll
    static void connect() throws Exception {
        connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    @Test
    @Order(1)
    void dryRunOnAnEmptyHBaseChangesNothing() throws Exception {
        List<String> log = new ArrayList<>();
        SchemaTool.Report r = SchemaTool.apply(connection, 14, true, log::add);
        assertThat(r.versionBefore()).isZero();
        assertThat(r.versionAfter()).isEqualTo(SchemaSteps.latest());
        assertThat(r.actions()).contains("create namespace sightline", "create table sightline:schema",
                "apply step 1 create-tables", "create table sightline:traces", "create table sightline:trace_index");
        assertThat(log).allMatch(l -> l.startsWith("would "));
        try (Admin admin = connection.getAdmin()) {
            assertThat(admin.listNamespaces()).doesNotContain("sightline");
        }
        assertThat(SchemaTool.readVersion(connection)).isZero();
    }

    @Test
    @Order(2)
    void firstApplyCreatesEveryTableAndRecordsTheVersion() throws Exception {
        SchemaTool.Report r = SchemaTool.apply(connection, 14, false, l -> { });
        assertThat(r.versionBefore()).isZero();
        assertThat(r.versionAfter()).isEqualTo(2);
        assertThat(SchemaTool.readVersion(connection)).isEqualTo(2);
        assertThat(SchemaTool.appliedSteps(connection)).containsExactly("1 create-tables", "2 scatter-density");
        // created with the other tables, before any trace: complete from the beginning
        assertThat(SchemaSteps.scatterDensitySince(connection)).isEqualTo(Long.MIN_VALUE);
        assertThat(SchemaTool.tablesExist(connection)).isTrue();
        try (Admin admin = connection.getAdmin()) {
            ColumnFamilyDescriptor traces = admin.getDescriptor(Tables.TRACES).getColumnFamily(Tables.TRACES_CF);
            assertThat(traces.getTimeToLive()).isEqualTo(14 * 86400);
            assertThat(traces.getCompressionType()).isEqualTo(Compression.Algorithm.GZ);
            assertThat(traces.getMaxVersions()).isEqualTo(1);
            ColumnFamilyDescriptor index = admin.getDescriptor(Tables.TRACE_INDEX).getColumnFamily(Tables.INDEX_CF);
            assertThat(index.getDataBlockEncoding()).isEqualTo(DataBlockEncoding.FAST_DIFF);
            assertThat(index.getTimeToLive()).isEqualTo(14 * 86400);
            assertThat(admin.getDescriptor(Tables.METADATA).getColumnFamily(Tables.METADATA_CF).getTimeToLive())
                    .isEqualTo(Integer.MAX_VALUE); // HBase's "forever"
            assertThat(admin.getRegions(Tables.TRACE_INDEX)).hasSize(RowKeys.SALT_BUCKETS);
            assertThat(admin.getRegions(Tables.TRACES)).hasSize(8);
            assertThat(admin.getRegions(Tables.AGENTS)).hasSize(1);
        }
    }

    @Test
    @Order(3)
    void secondApplyIsANoOp() throws Exception {
        List<String> log = new ArrayList<>();
        SchemaTool.Report r = SchemaTool.apply(connection, 14, false, log::add);
        assertThat(r.actions()).isEmpty();
        assertThat(r.versionBefore()).isEqualTo(2);
        assertThat(r.versionAfter()).isEqualTo(2);
        assertThat(log).containsExactly("schema is up to date (version 2)");
    }

    @Test
    @Order(4)
    void retentionChangeUpdatesTtlsOnlyWhereTheyDependOnIt() throws Exception {
        SchemaTool.Report dry = SchemaTool.apply(connection, 30, true, l -> { });
        assertThat(dry.actions()).hasSize(6);
        try (Admin admin = connection.getAdmin()) {
            assertThat(admin.getDescriptor(Tables.TRACES).getColumnFamily(Tables.TRACES_CF).getTimeToLive())
                    .isEqualTo(14 * 86400);
        }
        SchemaTool.Report r = SchemaTool.apply(connection, 30, false, l -> { });
        assertThat(r.actions()).containsExactlyInAnyOrder(
                "set TTL of sightline:traces:s from 1209600 s to 2592000 s",
                "set TTL of sightline:trace_index:d from 1209600 s to 2592000 s",
                "set TTL of sightline:map_stats:m from 1209600 s to 2592000 s",
                "set TTL of sightline:agent_stats:s from 1209600 s to 2592000 s",
                "set TTL of sightline:endpoints:e from 1209600 s to 2592000 s",
                "set TTL of sightline:scatter_density:c from 1209600 s to 2592000 s");
        try (Admin admin = connection.getAdmin()) {
            for (TableName t : List.of(Tables.TRACES, Tables.TRACE_INDEX, Tables.MAP_STATS, Tables.AGENT_STATS)) {
                assertThat(admin.getDescriptor(t).getColumnFamilies()[0].getTimeToLive()).isEqualTo(30 * 86400);
            }
        }
        assertThat(SchemaTool.apply(connection, 30, false, l -> { }).actions()).isEmpty();
    }

    @Test
    @Order(5)
    void aVersionOneSchemaIsUpgradedByStepTwoOnly() throws Exception {
        try (Admin admin = connection.getAdmin(); Table t = connection.getTable(Tables.SCHEMA);
             Table index = connection.getTable(Tables.TRACE_INDEX)) {
            index.put(new Put(Bytes.toBytes("an-old-index-row")).addColumn(Tables.INDEX_CF, Tables.IDX_FILTER, new byte[1]));
            t.delete(new org.apache.hadoop.hbase.client.Delete(Bytes.toBytes("scatter-density-since")));
            admin.disableTable(Tables.SCATTER_DENSITY);
            admin.deleteTable(Tables.SCATTER_DENSITY);
            t.put(new Put(SchemaTool.VERSION_ROW).addColumn(Tables.SCHEMA_CF, SchemaTool.VERSION_COL, Bytes.toBytes(1)));
        }
        long before = System.currentTimeMillis();
        SchemaTool.Report r = SchemaTool.apply(connection, 30, false, l -> { });
        assertThat(r.versionBefore()).isEqualTo(1);
        assertThat(r.versionAfter()).isEqualTo(2);
        assertThat(r.actions()).containsExactly("apply step 2 scatter-density", "create table sightline:scatter_density");
        assertThat(SchemaTool.stepAppliedAt(connection, 2)).isBetween(before, System.currentTimeMillis());
        assertThat(SchemaTool.stepAppliedAt(connection, 3)).isEqualTo(-1);
        // traces stored before the upgrade are not in the new table: it covers what starts from now
        assertThat(SchemaSteps.scatterDensitySince(connection)).isBetween(before, System.currentTimeMillis());
        try (Admin admin = connection.getAdmin()) {
            ColumnFamilyDescriptor d = admin.getDescriptor(Tables.SCATTER_DENSITY).getColumnFamily(Tables.DENSITY_CF);
            assertThat(d.getTimeToLive()).isEqualTo(30 * 86400);
            assertThat(d.getCompressionType()).isEqualTo(Compression.Algorithm.GZ);
        }
        assertThat(SchemaTool.apply(connection, 30, false, l -> { }).actions()).isEmpty();
        try (Table index = connection.getTable(Tables.TRACE_INDEX)) {
            index.delete(new org.apache.hadoop.hbase.client.Delete(Bytes.toBytes("an-old-index-row")));
        }
    }

    @Test
    @Order(6)
    void gzipFamiliesWorkWithoutNativeLibraries() throws Exception {
        byte[] row = Bytes.fromHex("00112233445566778899aabbccddeeff");
        byte[] value = Bytes.toBytes("span ".repeat(2000));
        try (Table t = connection.getTable(Tables.TRACES); Admin admin = connection.getAdmin()) {
            t.put(new Put(row).addColumn(Tables.TRACES_CF, Bytes.toBytes("q"), value));
            admin.flush(Tables.TRACES); // forces an HFile written with GZ
            assertThat(t.get(new Get(row)).getValue(Tables.TRACES_CF, Bytes.toBytes("q"))).isEqualTo(value);
        }
    }

    @Test
    @Order(7)
    void commandLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(SchemaCommand.run(List.of(), o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--zookeeper=host:port is required");
        assertThat(SchemaCommand.run(List.of("--zookeeper=h:notaport"), o, e)).isEqualTo(2);
        assertThat(SchemaCommand.run(List.of("--zookeeper=h:1", "--retention-days=0"), o, e)).isEqualTo(2);
        assertThat(SchemaCommand.run(List.of("--bogus"), o, e)).isEqualTo(2);
        assertThat(SchemaCommand.run(List.of("--zookeeper=h:1", "--regions=3"), o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad --regions: 3");

        String quorum = HBaseTestCluster.shared().quorum();
        assertThat(SchemaCommand.run(List.of("--zookeeper=" + quorum, "--retention-days=30", "--dry-run"), o, e))
                .isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("schema: schema is up to date (version 2)")
                .contains("schema: version 2 -> 2 (dry run, nothing changed)");
    }
}
