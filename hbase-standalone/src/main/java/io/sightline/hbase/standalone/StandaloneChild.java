package io.sightline.hbase.standalone;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.master.HMaster;
import org.apache.hadoop.hbase.master.HMasterCommandLine;

/**
 * The child side of {@link EmbeddedHBase}: runs HBase's standalone mode in this JVM (only ever
 * started by EmbeddedHBase, with hbase-site.xml on the class path).
 *
 * <p>Standard input is the lifeline to the parent: the line {@code stop} asks for an ordered
 * shutdown, and end of input (the parent died, even by kill -9) does the same, so the child never
 * outlives its parent. Readiness is announced by the file {@code hbase.ready} in the data dir.
 */
public final class StandaloneChild {
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

    private StandaloneChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: StandaloneChild <data-dir>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        Configuration conf = HBaseConfiguration.create();
        CountDownLatch masterExited = new CountDownLatch(1);

        Thread lifeline = new Thread(() -> watchParent(conf), "sightline-parent-lifeline");
        lifeline.setDaemon(true);
        lifeline.start();

        // daemon: once the cluster is down HBase waits for every non-daemon thread to end
        Thread readiness = new Thread(() -> {
            try {
                awaitReady(conf, dataDir, masterExited);
            } catch (Exception e) {
                log("readiness check failed: " + e);
            }
        }, "sightline-readiness");
        readiness.setDaemon(true);
        readiness.start();

        try {
            new HMasterCommandLine(HMaster.class).doMain(new String[] {"start"});
        } finally {
            masterExited.countDown();
        }
        log("HBase master exited; child stopping");
        // HBase may leave a few non-daemon threads behind; the cluster is down, so leave now.
        System.exit(0);
    }

    private static void watchParent(Configuration conf) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("stop")) {
                    log("stop requested by the parent");
                    shutdown(conf);
                    return;
                }
            }
            log("parent gone (end of stdin); shutting down");
        } catch (Throwable t) {
            log("lifeline failed: " + t);
        }
        shutdown(conf);
    }

    /** Ordered shutdown through the Admin API; halts if it does not complete in time. */
    private static void shutdown(Configuration conf) {
        if (!SHUTTING_DOWN.compareAndSet(false, true)) {
            return;
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(50));
            } catch (InterruptedException e) {
                return;
            }
            log("ordered shutdown took too long; halting");
            Runtime.getRuntime().halt(3);
        }, "sightline-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Configuration c = new Configuration(conf);
        c.setInt("hbase.client.retries.number", 3);
        try (Connection connection = ConnectionFactory.createConnection(c); Admin admin = connection.getAdmin()) {
            admin.shutdown();
            log("ordered shutdown requested");
        } catch (Throwable t) {
            log("ordered shutdown failed (" + t + "); exiting");
            System.exit(4);
        }
    }

    private static void awaitReady(Configuration conf, Path dataDir, CountDownLatch masterExited) throws Exception {
        Configuration c = new Configuration(conf);
        c.setInt("hbase.client.retries.number", 2);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        Connection connection = null;
        try {
            while (System.nanoTime() < deadline && masterExited.getCount() > 0 && !SHUTTING_DOWN.get()) {
                try {
                    if (connection == null) {
                        connection = ConnectionFactory.createConnection(c);
                    }
                    try (Admin admin = connection.getAdmin()) {
                        if (admin.isTableAvailable(TableName.META_TABLE_NAME)
                                && admin.listNamespaceDescriptors().length > 0
                                && !admin.getClusterMetrics().getLiveServerMetrics().isEmpty()) {
                            Files.writeString(dataDir.resolve(EmbeddedHBase.READY_FILE), "ready\n");
                            log("HBase ready");
                            return;
                        }
                    }
                } catch (Exception e) {
                    // not up yet
                }
                Thread.sleep(250);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static void log(String message) {
        System.out.println(java.time.Instant.now() + " sightline-child: " + message);
        System.out.flush();
    }
}
