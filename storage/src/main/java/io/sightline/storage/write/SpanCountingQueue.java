package io.sightline.storage.write;

import io.sightline.protocol.v1.Span;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands lists of new spans to an in-memory counter (server map, scatter density) without making
 * the committer threads wait for each other: a list is queued, and whichever caller finds nobody
 * counting counts everything queued, under the counter's lock, until the queue is empty. A caller
 * that finds someone counting leaves at once; the counter re-checks the queue after it stops, so
 * nothing queued is left behind. Before reading its totals (flush, pending rows) the owner calls
 * {@link #drain} under its lock.
 */
final class SpanCountingQueue {
    private final ConcurrentLinkedQueue<List<Span>> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean counting = new AtomicBoolean();
    private final Object lock;
    private final Consumer<List<Span>> count;

    /** {@code count} runs under {@code lock}, the lock that guards the owner's totals. */
    SpanCountingQueue(Object lock, Consumer<List<Span>> count) {
        this.lock = lock;
        this.count = count;
    }

    void add(List<Span> spans) {
        incoming.add(spans);
        while (!incoming.isEmpty() && counting.compareAndSet(false, true)) {
            try {
                synchronized (lock) {
                    drain();
                }
            } finally {
                counting.set(false);
            }
        }
    }

    /** Counts every queued list; the caller holds the lock. */
    void drain() {
        for (List<Span> l; (l = incoming.poll()) != null; ) {
            count.accept(l);
        }
    }
}
