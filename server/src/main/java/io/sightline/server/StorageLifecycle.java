package io.sightline.server;

import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.schema.Tables;
import io.sightline.hbase.standalone.EmbeddedHBase;
import io.sightline.storage.read.HBaseQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.SmartLifecycle;

/**
 * Storage: starts the embedded HBase child (unless {@code sightline.hbase.zookeeper} names an
 * external one), connects, applies the schema, all in the background so the HTTP port answers
 * (503) meanwhile. Stopped last: closes the client, then shuts the child down in order.
 */
public class StorageLifecycle implements SmartLifecycle {
    /** Stopped after the web (Spring's web server phases are near Integer.MAX_VALUE) and the collector. */
    public static final int PHASE = 0;
    private static final Logger LOG = LoggerFactory.getLogger(StorageLifecycle.class);
    private final SightlineProperties props;
    private final CountDownLatch readyLatch = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile Thread bootstrap;
    private volatile EmbeddedHBase embedded;
    private volatile Connection connection;
    private volatile HBaseQueries queries;
    private volatile String problem = "starting";

    public StorageLifecycle(SightlineProperties props) {
        this.props = props;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::bootstrap, "sightline-storage-start");
        t.setDaemon(true);
        bootstrap = t;
        t.start();
    }

    private void bootstrap() {
        long backoff = 2_000;
        while (!stopping) {
            try {
                String quorum = props.getHbase().getZookeeper();
                if (quorum == null) {
                    problem = "starting the embedded HBase";
                    Path dataDir = props.getDataDir().toAbsolutePath().normalize();
                    Path lib = libDir();
                    LOG.info("Starting the embedded HBase (data in {}, log in {})", dataDir, dataDir.resolve("logs/hbase.log"));
                    long t0 = System.nanoTime();
                    EmbeddedHBase started = EmbeddedHBase.start(dataDir, lib, EmbeddedHBase.Options.defaults()
                            .withMaxHeap(props.getHbase().getMaxHeap()).withZookeeperPort(props.getHbase().getZookeeperPort()));
                    synchronized (this) {
                        embedded = started;
                        if (stopping) {
                            break;
                        }
                    }
                    quorum = started.quorum();
                    LOG.info("Embedded HBase ready in {} ms (ZooKeeper {})", (System.nanoTime() - t0) / 1_000_000, quorum);
                } else {
                    problem = "connecting to HBase at " + quorum;
                    LOG.info("Using the external HBase at ZooKeeper {}", quorum);
                }
                Connection c = HBaseConnections.connect(quorum);
                synchronized (this) {
                    connection = c;
                    if (stopping) {
                        break;
                    }
                }
                problem = "applying the schema";
                int regions = props.getHbase().getRegions() != 0 ? props.getHbase().getRegions()
                        : props.getHbase().getZookeeper() == null ? 2 : Tables.DEFAULT_REGIONS;
                SchemaTool.Report r = SchemaTool.apply(c, props.getRetentionDays(), regions, false,
                        line -> LOG.info("schema: {}", line));
                LOG.info("HBase schema at version {}", r.versionAfter());
                queries = new HBaseQueries(c, props.getAgentDisconnectedAfter().toMillis());
                problem = null;
                readyLatch.countDown();
                return;
            } catch (Exception e) {
                if (stopping) {
                    return;
                }
                problem = "storage failed: " + e.getMessage();
                LOG.error("Storage could not start ({}); retrying in {} s", e.getMessage(), backoff / 1000);
                closeClient();
                stopEmbedded();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 60_000);
            }
        }
    }

    private Path libDir() throws java.io.IOException {
        Path configured = props.getHbase().getLibDir();
        if (configured != null) {
            return configured;
        }
        Path besideJar = new ApplicationHome(SightlineServer.class).getDir().toPath().resolve("hbase").resolve("lib");
        if (Files.isDirectory(besideJar)) {
            return besideJar;
        }
        throw new java.io.IOException("no HBase lib dir: " + besideJar + " does not exist; set sightline.hbase.lib-dir "
                + "or sightline.hbase.zookeeper");
    }

    /** True once HBase answers and the schema is applied. */
    public boolean isReady() {
        return queries != null;
    }

    /** Waits until ready; false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return readyLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once {@link #stop} began (the process is shutting down). */
    public boolean isStopped() {
        return stopping;
    }

    /** Why storage is not ready (null when it is). */
    public String problem() {
        return problem;
    }

    public HBaseQueries queries() {
        return queries;
    }

    public Connection connection() {
        return connection;
    }

    /** The embedded child, or null with an external HBase. */
    public EmbeddedHBase embedded() {
        return embedded;
    }

    @Override
    public void stop() {
        stopping = true;
        Thread t = bootstrap;
        if (t != null && t.isAlive()) {
            t.interrupt();
        }
        queries = null;
        problem = "stopped";
        closeClient();
        if (stopEmbedded()) {
            LOG.info("Embedded HBase stopped");
        }
        running = false;
    }

    private synchronized void closeClient() {
        HBaseQueries q = queries;
        if (q != null) {
            q.close();
        }
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing the HBase client: {}", e.toString());
            }
        }
    }

    private synchronized boolean stopEmbedded() {
        EmbeddedHBase e = embedded;
        embedded = null;
        if (e != null) {
            LOG.info("Stopping the embedded HBase (ordered shutdown)");
            e.stop();
            return true;
        }
        return false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
