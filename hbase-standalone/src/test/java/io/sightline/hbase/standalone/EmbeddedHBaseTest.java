package io.sightline.hbase.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts real standalone HBase children; each test uses its own data dir. */
class EmbeddedHBaseTest {
    private static final TableName TABLE = TableName.valueOf("durability");
    private static final byte[] CF = Bytes.toBytes("f");
    private static Path root;

    @BeforeAll
    static void setUp() throws IOException {
        root = Files.createTempDirectory("sightline-hbase-it");
    }

    @AfterAll
    static void tearDown() {
        HBaseTestCluster.deleteRecursively(root);
    }

    @Test
    void dataSurvivesOrderedStopAndKillMinus9() throws Exception {
        Path data = root.resolve("restart");
        EmbeddedHBase hbase = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
        try {
            assertThat(hbase.quorum()).isEqualTo("127.0.0.1:" + hbase.zookeeperPort());
            assertThat(Files.readString(data.resolve("hbase.pid")).trim())
                    .isEqualTo(hbase.pid() + " " + ProcessHandle.current().pid() + " "
                            + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli());
            assertThat(Files.readString(data.resolve("conf/hbase-site.xml")))
                    .contains("<name>hbase.cluster.distributed</name><value>false</value>")
                    .contains("<name>hbase.master.info.port</name><value>-1</value>")
                    .contains("<value>file://" + data.resolve("hbase") + "</value>")
                    .contains("<name>zlib.compress.level</name><value>BEST_SPEED</value>");
            try (Connection c = connect(hbase); Admin admin = c.getAdmin()) {
                // GZ as Sightline's tables: the store file flushed here is read back after the restart
                admin.createTable(TableDescriptorBuilder.newBuilder(TABLE)
                        .setColumnFamily(ColumnFamilyDescriptorBuilder.newBuilder(CF)
                                .setCompressionType(org.apache.hadoop.hbase.io.compress.Compression.Algorithm.GZ).build()).build());
                try (Table t = c.getTable(TABLE)) {
                    t.put(new Put(Bytes.toBytes("row1")).addColumn(CF, Bytes.toBytes("q"), Bytes.toBytes("before-stop")));
                }
                admin.flush(TABLE);
            }
        } finally {
            hbase.stop();
        }
        assertThat(hbase.isAlive()).isFalse();
        assertThat(data.resolve("hbase.pid")).doesNotExist();
        assertThat(Files.readString(hbase.logFile(), StandardCharsets.UTF_8)).contains("sightline-child: HBase ready");

        hbase = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
        try (Connection c = connect(hbase); Table t = c.getTable(TABLE)) {
            assertThat(value(t, "row1")).isEqualTo("before-stop");
            // acknowledged but never flushed to a store file: only the WAL holds it
            t.put(new Put(Bytes.toBytes("row2")).addColumn(CF, Bytes.toBytes("q"), Bytes.toBytes("before-kill")));
        } finally {
            hbase.kill();
        }
        assertThat(data.resolve("hbase.pid")).exists();

        hbase = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
        try (Connection c = connect(hbase); Table t = c.getTable(TABLE)) {
            assertThat(value(t, "row1")).isEqualTo("before-stop");
            assertThat(value(t, "row2")).isEqualTo("before-kill");
        } finally {
            hbase.stop();
        }
    }

    @Test
    void staleChildOnTheSameDataDirIsStoppedAndChildLeavesWhenParentGoes() throws Exception {
        Path data = root.resolve("stale");
        EmbeddedHBase first = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
        long firstPid = first.pid();
        // owned by another live process (here: pretend our own parent started it): refused, untouched
        Path pidFile = data.resolve("hbase.pid");
        String mine = Files.readString(pidFile);
        ProcessHandle other = ProcessHandle.current().parent().orElseThrow();
        Files.writeString(pidFile, EmbeddedHBase.pidFileText(firstPid, other));
        assertThatThrownBy(() -> EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults()))
                .isInstanceOf(IOException.class).hasMessageContaining("is in use by the HBase child (pid " + firstPid + ")");
        assertThat(first.isAlive()).isTrue();
        Files.writeString(pidFile, mine);
        // a second start on the same folder by its owner (as after a storage restart, or a crash of
        // the parent) stops the old child first
        EmbeddedHBase second = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
        try {
            assertThat(first.isAlive()).isFalse();
            assertThat(second.pid()).isNotEqualTo(firstPid);
            // the parent "dies": its end of the pipe closes, and the child shuts itself down
            second.closeLifelineForTest();
            assertThat(ProcessHandle.of(second.pid()).map(h -> {
                try {
                    h.onExit().get(60, TimeUnit.SECONDS);
                    return false;
                } catch (Exception e) {
                    return true;
                }
            }).orElse(false)).as("child still alive 60 s after its parent went").isFalse();
            assertThat(Files.readString(second.logFile())).contains("parent gone (end of stdin)");
        } finally {
            second.stop();
            first.stop();
        }
    }

    @Test
    void clearErrorsForBadLibDirAndBusyPort() throws Exception {
        assertThatThrownBy(() -> EmbeddedHBase.start(root.resolve("x"), root, EmbeddedHBase.Options.defaults()))
                .isInstanceOf(IOException.class).hasMessageContaining("does not hold the hbase-server jars");
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedHBase.start(root.resolve("y"), HBaseTestCluster.libDir(),
                    EmbeddedHBase.Options.defaults().withZookeeperPort(busy.getLocalPort())))
                    .isInstanceOf(IOException.class).hasMessageContaining("ZooKeeper port " + busy.getLocalPort() + " is already in use");
        }
        assertThatThrownBy(() -> EmbeddedHBase.Options.defaults().withMaxHeap("lots"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Connection connect(EmbeddedHBase hbase) throws IOException {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", "127.0.0.1");
        conf.setInt("hbase.zookeeper.property.clientPort", hbase.zookeeperPort());
        return ConnectionFactory.createConnection(conf);
    }

    private static String value(Table t, String row) throws IOException {
        Result r = t.get(new Get(Bytes.toBytes(row)));
        byte[] v = r.getValue(CF, Bytes.toBytes("q"));
        return v == null ? null : Bytes.toString(v);
    }
}
