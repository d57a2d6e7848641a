package io.sightline.webdev;

import io.sightline.collector.Collector;
import io.sightline.collector.CollectorConfig;
import io.sightline.collector.CollectorMetrics;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.EmbeddedHBase;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.web.ApiCompression;
import io.sightline.web.SecurityConfig;
import io.sightline.web.UiController;
import io.sightline.web.api.ApiController;
import io.sightline.web.api.ApiErrorHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The web module on the real storage with generated traffic, for UI work, screenshots and the
 * browser benchmark: an embedded HBase (hbase-standalone's child JVM) in a temporary folder, a
 * collector fed by {@link GeneratedTraffic}, and the REST API, security and UI of this module.
 *
 * <pre>
 * -Dsightline.dev.transactions=20000   transactions of "shop" in the window
 * -Dsightline.dev.minutes=60           the window: the last N minutes before start
 * -Dsightline.hbase.lib=...            hbase-standalone/target/hbase-lib
 * </pre>
 * Needs SIGHTLINE_ADMIN_PASSWORD (or a data dir) like the real server. Everything it started
 * stops with it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({SecurityConfig.class, UiController.class, ApiCompression.class, ApiController.class, ApiErrorHandler.class})
public class DevServer {

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("sightline.dev.transactions", 20_000);
        long minutes = Long.getLong("sightline.dev.minutes", 60);
        Path dir = Files.createTempDirectory("sightline-dev");
        long t0 = System.nanoTime();
        EmbeddedHBase hbase = EmbeddedHBase.start(dir, HBaseTestCluster.libDir(),
                EmbeddedHBase.Options.defaults().withMaxHeap("1g"));
        Connection connection = HBaseConnections.connect(hbase.quorum());
        SchemaTool.apply(connection, 14, false, line -> { });
        Collector collector = new Collector(connection, CollectorConfig.defaults().withPort(0)
                .withFlushInterval(Duration.ofSeconds(5)), new CollectorMetrics()).start();
        HBaseQueries queries = new HBaseQueries(connection);
        System.out.printf("[dev] HBase and collector ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        long to = System.currentTimeMillis();
        long from = to - minutes * 60_000;
        long t1 = System.nanoTime();
        List<TestAgent> agents = GeneratedTraffic.write(collector.port(), n, from, to, System.out);
        collector.flush();
        double secs = (System.nanoTime() - t1) / 1e9;
        System.out.printf("[dev] %,d transactions in [%d, %d) written through the collector in %.1f s (%.0f/s)%n",
                n, from, to, secs, n / secs);
        agents.get(0).connectCommands(GeneratedTraffic::inFlight);
        // running agents ping every few seconds; without it they would show as DISCONNECTED
        java.util.concurrent.ScheduledExecutorService pings = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-dev-ping");
            t.setDaemon(true);
            return t;
        });
        pings.scheduleWithFixedDelay(() -> agents.forEach(a -> {
            try {
                a.ping();
            } catch (RuntimeException e) {
                System.out.println("[dev] ping failed: " + e);
            }
        }), 0, 10, java.util.concurrent.TimeUnit.SECONDS);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pings.shutdownNow();
            agents.forEach(TestAgent::close);
            collector.stop(Duration.ofSeconds(5));
            queries.close();
            try {
                connection.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            hbase.stop();
            HBaseTestCluster.deleteRecursively(dir);
        }, "sightline-dev-stop"));

        SpringApplication app = new SpringApplication(DevServer.class);
        app.addInitializers(ctx -> {
            ctx.getBeanFactory().registerSingleton("queries", (Queries) queries);
            LiveAgents live = collector.liveAgents()::activeRequests;
            ctx.getBeanFactory().registerSingleton("liveAgents", live);
        });
        app.run(args);
    }
}
