package io.sightline.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.protocol.v1.Span;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The same spans delivered by several threads at once (and twice in one batch) are new exactly once. */
class ConcurrentDeliveryTest {

    @Test
    void concurrentDuplicatesAreNewExactlyOnce() throws Exception {
        SpanStore store = new SpanStore(StorageFixture.connection());
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            spans.add(StorageFixture.span("concurrent", "c-1", StorageFixture.traceId(), StorageFixture.spanId(),
                    1_700_000_000_000L + i, i).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Span>>> results = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            List<Span> mine = new ArrayList<>(spans);
            Collections.shuffle(mine, new java.util.Random(t));
            if (t == 0) {
                mine.addAll(spans.subList(0, 10)); // duplicates inside one batch
            }
            results.add(pool.submit(() -> {
                go.await();
                return store.store(mine, List.of());
            }));
        }
        go.countDown();
        List<Span> fresh = new ArrayList<>();
        for (Future<List<Span>> f : results) {
            fresh.addAll(f.get());
        }
        pool.shutdown();
        assertThat(fresh).hasSize(200).containsExactlyInAnyOrderElementsOf(spans);
        assertThat(store.store(spans, List.of())).isEmpty();
    }
}
