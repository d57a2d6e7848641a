package io.sightline.storage;

import static io.sightline.storage.StorageFixture.event;
import static io.sightline.storage.StorageFixture.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.Histogram;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.MapStatsAggregator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A span calling the same peers many times, in runs and interleaved with other calls: every call
 * counts once on its own link (the aggregator reuses a run's counters and caches node keys).
 */
class MapRepeatedCallsTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    @Test
    void repeatedAndInterleavedCallsAreEachCountedOnTheirLink() throws Exception {
        String app = "loop-" + RUN;
        long minute = RowKeys.minute(1_700_000_700_000L);
        Span.Builder s = span(app, app + "-1", StorageFixture.traceId(), StorageFixture.spanId(), minute + 5, 900);
        int seq = 1;
        s.addEvents(event(seq++, 1, 1, 3, "H2").setDestination("mem:a"));
        s.addEvents(event(seq++, 1, 2, 4, "H2").setDestination("mem:a"));
        s.addEvents(event(seq++, 1, 3, 1, "METHOD"));
        s.addEvents(event(seq++, 1, 4, 1200, "H2").setDestination("mem:a").setError(true));
        s.addEvents(event(seq++, 1, 5, 20, "HTTP_CLIENT").setDestination("x.example:80"));
        s.addEvents(event(seq++, 1, 6, 2, "H2").setDestination("mem:b"));
        s.addEvents(event(seq++, 1, 7, 6, "H2").setDestination("mem:a"));
        s.addEvents(event(seq++, 1, 8, 30, "HTTP_CLIENT").setDestination("x.example:80"));
        s.addEvents(event(seq++, 1, 9, 1, "HTTP_CLIENT")); // no destination: no link
        s.addEvents(event(seq++, 1, 10, 7, "MYSQL").setDestination("mem:a"));
        s.addEvents(event(seq++, 1, 11, 8, "MYSQL")); // no destination: the "unknown" database
        MapStatsAggregator map = new MapStatsAggregator(StorageFixture.connection());
        map.add(List.of(s.build()));
        map.flush();
        ServerMap m = new HBaseQueries(StorageFixture.connection()).serverMap(app, minute, minute + 60_000);
        String self = app + "^TOMCAT";
        assertThat(m.links()).containsExactlyInAnyOrder(
                new ServerMap.Link("USER^USER", self, 1, 0, 900.0, 900, new Histogram(1, 0, 0, 0, 0)),
                new ServerMap.Link(self, "mem:a^H2", 4, 1, (3 + 4 + 1200 + 6) / 4.0, 1200, new Histogram(3, 0, 0, 0, 1)),
                new ServerMap.Link(self, "mem:b^H2", 1, 0, 2.0, 2, new Histogram(1, 0, 0, 0, 0)),
                new ServerMap.Link(self, "x.example:80^HTTP", 2, 0, 25.0, 30, new Histogram(2, 0, 0, 0, 0)),
                new ServerMap.Link(self, "mem:a^MYSQL", 1, 0, 7.0, 7, new Histogram(1, 0, 0, 0, 0)),
                new ServerMap.Link(self, "unknown^MYSQL", 1, 0, 8.0, 8, new Histogram(1, 0, 0, 0, 0)));
    }

    @Test
    void concurrentCallersAreAllCounted() throws Exception {
        String app = "many-" + RUN;
        long minute = RowKeys.minute(1_700_000_760_000L);
        int threads = 8;
        int perThread = 50;
        int spansPerCall = 10;
        MapStatsAggregator map = new MapStatsAggregator(StorageFixture.connection());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    List<Span> spans = new java.util.ArrayList<>();
                    for (int j = 0; j < spansPerCall; j++) {
                        spans.add(span(app, app + "-1", StorageFixture.traceId(), StorageFixture.spanId(), minute + 1, 10)
                                .addEvents(event(1, 1, 1, 2, "H2").setDestination("mem:many"))
                                .addEvents(event(2, 1, 2, 2, "H2").setDestination("mem:many")).build());
                    }
                    map.add(spans);
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        map.flush();
        assertThat(map.pendingRows()).isZero();
        int total = threads * perThread * spansPerCall;
        ServerMap m = new HBaseQueries(StorageFixture.connection()).serverMap(app, minute, minute + 60_000);
        String self = app + "^TOMCAT";
        assertThat(m.links()).containsExactlyInAnyOrder(
                new ServerMap.Link("USER^USER", self, total, 0, 10.0, 10, new Histogram(total, 0, 0, 0, 0)),
                new ServerMap.Link(self, "mem:many^H2", 2 * total, 0, 2.0, 2, new Histogram(2 * total, 0, 0, 0, 0)));
    }
}
