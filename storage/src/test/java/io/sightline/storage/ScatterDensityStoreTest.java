package io.sightline.storage;

import static io.sightline.storage.StorageFixture.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.hbase.schema.ScatterCells;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.DensityCounts;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.ScatterDensityWriter;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scatter density written at ingest by two collectors (two writers, several flushes, a resent
 * batch) and read back: exact counts per (bucket, row) and the points of sparse cells only.
 */
class ScatterDensityStoreTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private static final String APP = "density-" + RUN;
    private static final long B = ScatterCells.bucket(1_700_000_000_000L);
    private static final List<Span> SPANS = new ArrayList<>();
    private static HBaseQueries queries;

    private static Span add(String agent, long start, int elapsed, boolean error) {
        Span s = span(APP, agent, StorageFixture.traceId(), StorageFixture.spanId(), start, elapsed).setError(error).build();
        SPANS.add(s);
        return s;
    }

    @BeforeAll
    static void write() throws Exception {
        for (int i = 0; i < 100; i++) {
            add("d-1", B + i * 10, 30, false);               // one dense cell
        }
        add("d-2", B + 1_500, 30, true);                      // an error beside it
        add("d-1", B + 2_000, 7_000, false);                  // a lone slow one
        add("d-2", B + 3_000, 20_000, true);                  // two slow errors in one cell
        add("d-2", B + 3_001, 20_000, true);
        add("d-1", B + 5_000, 50, false);                     // next bucket: three in one cell,
        add("d-2", B + 6_000, 50, false);                     // counted by two collectors
        add("d-1", B + 9_999, 50, false);
        add("d-1", B + 10_000, 50, false);                    // the bucket after the window
        SpanStore store = new SpanStore(StorageFixture.connection());
        ScatterDensityWriter collector1 = new ScatterDensityWriter(StorageFixture.connection());
        ScatterDensityWriter collector2 = new ScatterDensityWriter(StorageFixture.connection());
        int n = SPANS.size();
        collector1.add(store.store(SPANS.subList(0, 50), List.of()));
        collector1.flush();
        collector1.add(store.store(SPANS.subList(50, n - 3), List.of()));
        collector2.add(store.store(SPANS.subList(n - 3, n), List.of()));
        // a resent batch is not counted twice (the store returns only new spans)
        collector2.add(store.store(SPANS, List.of()));
        collector1.flush();
        collector2.flush();
        assertThat(collector1.pendingRows()).isZero();
        assertThat(collector2.pendingRows()).isZero();
        queries = new HBaseQueries(StorageFixture.connection());
    }

    private static ScatterPage.Point point(Span s) {
        return new ScatterPage.Point(TraceIds.traceIdHex(s.getTraceId().toByteArray()), s.getAgentId(), s.getStartTime(),
                s.getElapsed(), s.getError());
    }

    @Test
    void countsEveryCellAndReturnsThePointsOfSparseCellsOnly() {
        DensityCounts d = queries.scatterDensity(APP, B, B + 10_000);
        assertThat(d.from()).isEqualTo(B);
        assertThat(d.to()).isEqualTo(B + 10_000);
        assertThat(d.since()).isEqualTo(Long.MIN_VALUE); // the table came with the schema
        assertThat(d.cells()).containsExactly(
                new DensityCounts.Cell(B, ScatterCells.row(30), 100, 1),
                new DensityCounts.Cell(B, ScatterCells.row(7_000), 1, 0),
                new DensityCounts.Cell(B, ScatterCells.row(20_000), 0, 2),
                new DensityCounts.Cell(B + 5_000, ScatterCells.row(50), 3, 0));
        int n = SPANS.size();
        assertThat(d.points()).containsExactlyInAnyOrder(point(SPANS.get(101)), point(SPANS.get(102)),
                point(SPANS.get(103)));
        assertThat(SPANS.get(n - 1).getStartTime()).isEqualTo(B + 10_000);
    }

    @Test
    void concurrentCallersAreAllCounted() throws Exception {
        String app = "density-many-" + RUN;
        long bucket = ScatterCells.bucket(1_700_000_100_000L);
        int threads = 8;
        int calls = 50;
        int perCall = 10;
        ScatterDensityWriter writer = new ScatterDensityWriter(StorageFixture.connection());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < calls; i++) {
                    List<Span> spans = new ArrayList<>();
                    for (int j = 0; j < perCall; j++) {
                        spans.add(StorageFixture.span(app, app + "-1", StorageFixture.traceId(), StorageFixture.spanId(),
                                bucket + 100, 30).build());
                    }
                    writer.add(spans);
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        writer.flush();
        assertThat(writer.pendingRows()).isZero();
        assertThat(queries.scatterDensity(app, bucket, bucket + 5_000).cells())
                .containsExactly(new DensityCounts.Cell(bucket, ScatterCells.row(30), threads * calls * perCall, 0));
    }

    @Test
    void aWindowIsWholeBuckets() {
        assertThat(queries.scatterDensity(APP, B + 5_000, B + 10_000).cells())
                .containsExactly(new DensityCounts.Cell(B + 5_000, ScatterCells.row(50), 3, 0));
        assertThat(queries.scatterDensity(APP, B, B).cells()).isEmpty();
        assertThat(queries.scatterDensity("other-" + RUN, B, B + 10_000).cells()).isEmpty();
        assertThatThrownBy(() -> queries.scatterDensity(APP, B + 1, B + 10_000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
