package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class TransactionStatsTest {
    private final TransactionStats stats = new TransactionStats();

    private static SpanRecord span(long id) {
        return new SpanRecord(new byte[16], id, 0, true, 0, System.nanoTime(), "TOMCAT", "GET", "/x", null, null,
                null, null, Thread.currentThread().getName(), 10);
    }

    @Test
    void countsRequestsInProgressAndFinishedPerInterval() {
        TransactionStats.Slot slot = stats.slot(Thread.currentThread());
        SpanRecord a = span(1);
        stats.started(slot, a);
        assertThat(stats.activeCount()).isEqualTo(1);
        assertThat(stats.activeRequests()).hasSize(1);
        Map.Entry<SpanRecord, Thread> e = stats.activeRequests().get(0);
        assertThat(e.getKey()).isSameAs(a);
        assertThat(e.getValue()).isSameAs(Thread.currentThread());
        stats.finished(slot, a, 12);
        SpanRecord b = span(2);
        stats.started(slot, b);
        stats.finished(slot, b, 30);
        assertThat(stats.activeCount()).isZero();
        assertThat(stats.takeInterval()).containsExactly(2, 42);
        assertThat(stats.takeInterval()).containsExactly(0, 0);
    }

    @Test
    void aDetachedRequestStaysInProgressUntilAnotherThreadEndsIt() throws Exception {
        TransactionStats.Slot slot = stats.slot(Thread.currentThread());
        SpanRecord async = span(3);
        stats.started(slot, async);
        stats.detached(slot, async);
        // the thread serves another request meanwhile
        SpanRecord next = span(4);
        stats.started(slot, next);
        assertThat(stats.activeCount()).isEqualTo(2);
        assertThat(stats.activeRequests()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(async, next);

        Thread other = new Thread(() -> stats.finished(stats.slot(Thread.currentThread()), async, 50));
        other.start();
        other.join();
        assertThat(stats.activeCount()).isEqualTo(1);
        assertThat(stats.activeRequests().get(0).getKey()).isSameAs(next);
        stats.finished(slot, next, 5);
        assertThat(stats.activeCount()).isZero();
        // the other thread is gone: its slot is retired, its count kept
        assertThat(stats.takeInterval()).containsExactly(2, 55);
        assertThat(stats.slotCount()).isEqualTo(1);
    }

    @Test
    void aRequestEndedByAnotherThreadWhileStillOnItsOwnLeavesIt() throws Exception {
        TransactionStats.Slot slot = stats.slot(Thread.currentThread());
        SpanRecord s = span(5);
        stats.started(slot, s);
        Thread other = new Thread(() -> stats.finished(stats.slot(Thread.currentThread()), s, 7));
        other.start();
        other.join();
        assertThat(stats.activeCount()).isZero();
        assertThat(stats.takeInterval()).containsExactly(1, 7);
    }

    @Test
    void ifItsThreadHasMovedOnAnotherThreadsEndLeavesTheNewRequestInPlace() throws Exception {
        TransactionStats.Slot slot = stats.slot(Thread.currentThread());
        SpanRecord old = span(6);
        stats.started(slot, old);
        SpanRecord current = span(7);
        stats.started(slot, current); // old was never ended on this thread
        Thread other = new Thread(() -> stats.finished(stats.slot(Thread.currentThread()), old, 1));
        other.start();
        other.join();
        assertThat(stats.activeRequests()).extracting(Map.Entry::getKey).containsExactly(current);
    }

    @Test
    void slotsOfThreadsThatEndedAreRetiredWithTheirTotals() throws Exception {
        AtomicReference<TransactionStats.Slot> left = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            TransactionStats.Slot slot = stats.slot(Thread.currentThread());
            for (int i = 0; i < 3; i++) {
                SpanRecord s = span(10 + i);
                stats.started(slot, s);
                stats.finished(slot, s, 2);
            }
            SpanRecord abandoned = span(20);
            stats.started(slot, abandoned); // the thread dies in the middle of a request
            left.set(slot);
        });
        worker.start();
        worker.join();
        assertThat(stats.slotCount()).isEqualTo(1);
        assertThat(stats.takeInterval()).containsExactly(3, 6);
        assertThat(stats.slotCount()).isZero();
        assertThat(stats.activeCount()).isZero();
        assertThat(stats.takeInterval()).containsExactly(0, 0);
    }

    @Test
    void manyThreadsCountedExactly() throws Exception {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                TransactionStats.Slot slot = stats.slot(Thread.currentThread());
                for (int i = 0; i < 10_000; i++) {
                    SpanRecord s = span(i + 1);
                    stats.started(slot, s);
                    stats.finished(slot, s, 1);
                }
            });
            threads[t].start();
        }
        long[] seen = {0, 0};
        for (Thread t : threads) {
            long[] part = stats.takeInterval();
            seen[0] += part[0];
            seen[1] += part[1];
            t.join();
        }
        long[] rest = stats.takeInterval();
        assertThat(seen[0] + rest[0]).isEqualTo(40_000);
        assertThat(seen[1] + rest[1]).isEqualTo(40_000);
    }
}
