package io.sightline.web;

import io.sightline.collector.Collector;
import io.sightline.collector.CollectorConfig;
import io.sightline.collector.CollectorMetrics;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.read.HBaseQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.hadoop.hbase.client.Connection;

/**
 * The storage the web's tests read, once per test JVM: the embedded HBase of hbase-standalone
 * (a child process), the schema, a real collector on a free port writing into it, and the
 * {@link HBaseQueries} the server would give the web. {@link KnownData} is written through the
 * collector the first time.
 */
final class RealStorage {
    private static RealStorage shared;

    final Connection connection;
    final Collector collector;
    final HBaseQueries queries;
    final KnownData data;

    private RealStorage() throws IOException {
        connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, line -> { });
        // map statistics are flushed by the data writer itself, not on a timer
        collector = new Collector(connection, CollectorConfig.defaults().withPort(0)
                .withFlushInterval(Duration.ofHours(1)).withCommandTimeout(Duration.ofSeconds(5)),
                new CollectorMetrics()).start();
        queries = new HBaseQueries(connection);
        data = KnownData.write(collector);
    }

    static synchronized RealStorage shared() {
        if (shared == null) {
            try {
                shared = new RealStorage();
            } catch (IOException e) {
                throw new UncheckedIOException("could not set up the test storage", e);
            }
            RealStorage s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                s.data.close();
                s.collector.stop(Duration.ofSeconds(2));
                s.queries.close();
                // the connection dies with the HBase child, killed by its own hook
            }, "web-test-storage-stop"));
        }
        return shared;
    }

    LiveAgents live() {
        return collector.liveAgents();
    }
}
