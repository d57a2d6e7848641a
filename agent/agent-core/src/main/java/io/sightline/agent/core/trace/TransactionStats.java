package io.sightline.agent.core.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Requests in progress and finished-request counts, read by the JVM stats every interval. */
public final class TransactionStats {
    private final ConcurrentHashMap<SpanRecord, Thread> active = new ConcurrentHashMap<SpanRecord, Thread>();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong elapsedSum = new AtomicLong();

    public void started(SpanRecord span, Thread thread) {
        active.put(span, thread);
    }

    public void finished(SpanRecord span, int elapsed) {
        active.remove(span);
        finished.incrementAndGet();
        elapsedSum.addAndGet(elapsed);
    }

    public int activeCount() {
        return active.size();
    }

    /** Requests in progress with their threads. */
    public List<Map.Entry<SpanRecord, Thread>> activeRequests() {
        return new ArrayList<Map.Entry<SpanRecord, Thread>>(active.entrySet());
    }

    /** Count and elapsed sum since the last call: {count, elapsedSum}. */
    public synchronized long[] takeInterval() {
        long count = finished.getAndSet(0);
        long sum = elapsedSum.getAndSet(0);
        return new long[] {count, sum};
    }
}
