package io.sightline.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.EmbeddedHBase;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.Test;

/**
 * No acknowledged span is lost, and none is counted twice, when HBase or a collector restarts
 * while an agent keeps sending (the agent's rule: keep a batch until it is acknowledged, resend
 * on any error, to any collector).
 */
class ResilienceTest {
    private static final int BATCHES = 40;
    private static final int PER_BATCH = 25;

    /** Sends BATCHES batches through channel(i), retrying each until acknowledged; returns the trace ids. */
    private static CompletableFuture<Set<String>> agent(String app, long start, IntFunction<ManagedChannel> channel,
                                                        AtomicInteger acked) {
        return CompletableFuture.supplyAsync(() -> {
            Set<String> ids = new HashSet<>();
            int attempt = 0;
            for (int b = 0; b < BATCHES; b++) {
                SpanBatch.Builder batch = SpanBatch.newBuilder().setAgent(CollectorTest.ref(app, app + "-1"));
                List<String> batchIds = new ArrayList<>();
                for (int i = 0; i < PER_BATCH; i++) {
                    byte[] t = CollectorTest.traceId();
                    batch.addSpans(CollectorTest.span(t, 1, start + b * PER_BATCH + i, 10 + i));
                    batchIds.add(TraceIds.traceIdHex(t));
                }
                SpanBatch built = batch.build();
                long deadline = System.currentTimeMillis() + 240_000;
                while (true) {
                    try {
                        SpanServiceGrpc.newBlockingStub(channel.apply(attempt++)).withDeadlineAfter(30, TimeUnit.SECONDS)
                                .send(built);
                        break;
                    } catch (StatusRuntimeException e) {
                        if (System.currentTimeMillis() > deadline) {
                            throw new IllegalStateException("batch " + b + " never acknowledged", e);
                        }
                        sleep(200);
                    }
                }
                ids.addAll(batchIds);
                acked.incrementAndGet();
                sleep(20);
            }
            return ids;
        });
    }

    @Test
    void hbaseRestartMidStream() throws Exception {
        Path dir = Files.createTempDirectory("sightline-resilience");
        int zk = EmbeddedHBase.freePort();
        EmbeddedHBase.Options options = EmbeddedHBase.Options.defaults().withMaxHeap("512m").withZookeeperPort(zk);
        EmbeddedHBase hbase = EmbeddedHBase.start(dir, HBaseTestCluster.libDir(), options);
        Connection connection = HBaseConnections.connect(hbase.quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        Collector collector = new Collector(connection, CollectorConfig.defaults().withPort(0)
                .withFlushInterval(Duration.ofMillis(500)), new CollectorMetrics()).start();
        ManagedChannel channel = CollectorTest.channel(collector.port());
        try {
            String app = "hbase-restart";
            long start = 1_700_000_000_000L;
            AtomicInteger acked = new AtomicInteger();
            CompletableFuture<Set<String>> sent = agent(app, start, i -> channel, acked);
            while (acked.get() < 8) {
                Thread.sleep(50);
            }
            hbase.stop();
            busyCollectorPushesBack(connection);
            hbase = EmbeddedHBase.start(dir, HBaseTestCluster.libDir(), options);
            Set<String> ids = sent.get(300, TimeUnit.SECONDS);
            assertThat(ids).hasSize(BATCHES * PER_BATCH);
            collector.flush();

            HBaseQueries q = new HBaseQueries(connection);
            List<String> stored = q.scatter(new TransactionQuery(app, start, start + 10_000, null, null, null, null, null,
                    null, 100_000, null)).points().stream().map(p -> p.transactionId()).toList();
            assertThat(stored).hasSize(BATCHES * PER_BATCH).containsExactlyInAnyOrderElementsOf(ids);
            ServerMap map = q.serverMap(app, start, start + 60_000);
            assertThat(map.links()).singleElement().satisfies(l -> assertThat(l.totalCount()).isEqualTo(BATCHES * PER_BATCH));
            q.close();
        } finally {
            channel.shutdownNow();
            collector.stop(Duration.ofSeconds(5));
            connection.close();
            hbase.kill();
            HBaseTestCluster.deleteRecursively(dir);
        }
    }

    /**
     * With HBase away, a batch holds the collector's only in-flight slot while the client retries
     * HBase; the next batch is refused at once with RESOURCE_EXHAUSTED instead of queueing.
     */
    private static void busyCollectorPushesBack(Connection connection) throws Exception {
        Collector narrow = new Collector(connection, CollectorConfig.defaults().withPort(0).withMaxInflightBatches(1)
                .withFlushInterval(Duration.ofHours(1)), new CollectorMetrics()).start();
        ManagedChannel ch = CollectorTest.channel(narrow.port());
        try {
            SpanBatch batch = SpanBatch.newBuilder().setAgent(CollectorTest.ref("busy", "busy-1"))
                    .addSpans(CollectorTest.span(CollectorTest.traceId(), 1, 1_700_000_000_000L, 1)).build();
            CompletableFuture<io.grpc.Status.Code> first = CompletableFuture.supplyAsync(() -> {
                try {
                    SpanServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).send(batch);
                    return io.grpc.Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode();
                }
            });
            Thread.sleep(1000); // the first batch is now waiting for HBase
            long t0 = System.nanoTime();
            io.grpc.Status.Code second;
            try {
                SpanServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).send(batch);
                second = io.grpc.Status.Code.OK;
            } catch (StatusRuntimeException e) {
                second = e.getStatus().getCode();
            }
            assertThat(second).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            assertThat(narrow.metrics().busyCount()).isEqualTo(1);
            assertThat(first.isDone()).isFalse();
        } finally {
            ch.shutdownNow();
            narrow.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void collectorRestartMidStreamWithTwoCollectors() throws Exception {
        Connection connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        CollectorConfig cfg = CollectorConfig.defaults().withPort(0).withFlushInterval(Duration.ofMillis(300));
        Collector a = new Collector(connection, cfg, new CollectorMetrics()).start();
        Collector b = new Collector(connection, cfg, new CollectorMetrics()).start();
        ManagedChannel[] channels = {CollectorTest.channel(a.port()), CollectorTest.channel(b.port())};
        Collector a2 = null;
        try {
            String app = "collector-restart-" + Long.toString(System.nanoTime(), 36);
            long start = 1_700_000_100_000L;
            AtomicInteger acked = new AtomicInteger();
            // the agent alternates between the two collectors and fails over on errors
            CompletableFuture<Set<String>> sent = agent(app, start, i -> channels[i % 2], acked);
            while (acked.get() < 10) {
                Thread.sleep(20);
            }
            a.stop(Duration.ofSeconds(10)); // graceful: in-flight batches finish and are acked, map flushed
            while (acked.get() < 20) {
                Thread.sleep(20);
            }
            a2 = new Collector(connection, cfg, new CollectorMetrics()).start();
            channels[0].shutdownNow();
            channels[0] = CollectorTest.channel(a2.port());
            Set<String> ids = sent.get(300, TimeUnit.SECONDS);
            a2.flush();
            b.flush();

            HBaseQueries q = new HBaseQueries(connection);
            List<String> stored = q.scatter(new TransactionQuery(app, start, start + 10_000, null, null, null, null, null,
                    null, 100_000, null)).points().stream().map(p -> p.transactionId()).toList();
            assertThat(stored).hasSize(BATCHES * PER_BATCH).containsExactlyInAnyOrderElementsOf(ids);
            // map totals are the same as with one collector: every span counted exactly once
            ServerMap map = q.serverMap(app, start, start + 60_000);
            assertThat(map.links()).singleElement().satisfies(l -> {
                assertThat(l.totalCount()).isEqualTo(BATCHES * PER_BATCH);
                assertThat(l.histogram().under1s()).isEqualTo(BATCHES * PER_BATCH);
                assertThat(l.maxElapsed()).isEqualTo(10 + PER_BATCH - 1);
            });
            q.close();
        } finally {
            for (ManagedChannel ch : channels) {
                ch.shutdownNow();
            }
            a.stop(Duration.ofSeconds(5));
            b.stop(Duration.ofSeconds(5));
            if (a2 != null) {
                a2.stop(Duration.ofSeconds(5));
            }
            connection.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
