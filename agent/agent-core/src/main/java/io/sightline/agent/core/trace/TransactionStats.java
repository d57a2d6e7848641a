package io.sightline.agent.core.trace;

import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * Requests in progress and finished-request counts, read by the JVM stats every interval and by
 * the active-requests command.
 *
 * <p>Kept per thread: each request thread has a {@link Slot} holding the request it is serving
 * and its own running totals, which only that thread writes (release stores, no lock, no shared
 * counter), and the readers add the slots up. A shared map and two shared counters cost every
 * request a map node and three atomic operations on cache lines that all the request threads
 * fought over. Only a request that leaves its thread while still running (an async servlet
 * request, {@link #detached}) goes into a shared map, until it ends.
 */
public final class TransactionStats {
    private static final AtomicReferenceFieldUpdater<Slot, SpanRecord> CURRENT =
            AtomicReferenceFieldUpdater.newUpdater(Slot.class, SpanRecord.class, "current");
    private static final AtomicLongFieldUpdater<Slot> FINISHED = AtomicLongFieldUpdater.newUpdater(Slot.class, "finished");
    private static final AtomicLongFieldUpdater<Slot> ELAPSED = AtomicLongFieldUpdater.newUpdater(Slot.class, "elapsedSum");

    /** One thread's request in progress and the totals of the requests it finished. */
    public static final class Slot {
        final WeakReference<Thread> thread;
        /** Written by its thread (or cleared by a CAS from the thread ending its request). */
        volatile SpanRecord current;
        /** Written by its thread only, read by the readers. */
        volatile long finished;
        volatile long elapsedSum;

        Slot(Thread thread) {
            this.thread = new WeakReference<Thread>(thread);
        }
    }

    private final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<Slot>();
    /** Requests in progress that left the thread that started them. */
    private final ConcurrentHashMap<SpanRecord, Thread> detached = new ConcurrentHashMap<SpanRecord, Thread>();
    /** Totals of the slots of threads that are gone, and what the last interval had seen; guarded by this. */
    private long retiredFinished;
    private long retiredElapsed;
    private long seenFinished;
    private long seenElapsed;

    /** A new slot for {@code thread}, which it then uses for every request it serves. */
    public Slot slot(Thread thread) {
        Slot s = new Slot(thread);
        slots.add(s);
        return s;
    }

    /** {@code span} starts on the slot's thread (called by that thread). */
    public void started(Slot slot, SpanRecord span) {
        span.statsSlot = slot;
        CURRENT.lazySet(slot, span);
    }

    /**
     * {@code span} leaves its thread unfinished (called by that thread): it stays in progress,
     * with the thread that started it, until {@link #finished}.
     */
    public void detached(Slot slot, SpanRecord span) {
        if (slot.current == span) {
            Thread t = slot.thread.get();
            if (t != null) {
                detached.put(span, t);
            }
            CURRENT.lazySet(slot, null);
        }
    }

    /** {@code span} ended on the thread of {@code slot} (called by that thread). */
    public void finished(Slot slot, SpanRecord span, int elapsed) {
        Slot owner = span.statsSlot;
        if (owner == slot && slot.current == span) {
            CURRENT.lazySet(slot, null);
        } else if (owner == null || !CURRENT.compareAndSet(owner, span, null)) {
            detached.remove(span);
        }
        FINISHED.lazySet(slot, slot.finished + 1);
        ELAPSED.lazySet(slot, slot.elapsedSum + elapsed);
    }

    public int activeCount() {
        int n = detached.size();
        for (Slot s : slots) {
            if (s.current != null) {
                n++;
            }
        }
        return n;
    }

    /** Requests in progress with their threads. */
    public List<Map.Entry<SpanRecord, Thread>> activeRequests() {
        List<Map.Entry<SpanRecord, Thread>> out = new ArrayList<Map.Entry<SpanRecord, Thread>>(detached.entrySet());
        for (Slot s : slots) {
            SpanRecord span = s.current;
            Thread t = s.thread.get();
            if (span != null && t != null) {
                out.add(new AbstractMap.SimpleImmutableEntry<SpanRecord, Thread>(span, t));
            }
        }
        return out;
    }

    /**
     * Count and elapsed sum of the requests finished since the last call: {count, elapsedSum}.
     * Also retires the slots of threads that are gone (their totals are kept).
     */
    public synchronized long[] takeInterval() {
        long finished = retiredFinished;
        long elapsed = retiredElapsed;
        for (Iterator<Slot> it = slots.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            long f = s.finished;
            long e = s.elapsedSum;
            finished += f;
            elapsed += e;
            Thread t = s.thread.get();
            if (t == null || !t.isAlive()) {
                it.remove();
                retiredFinished += f;
                retiredElapsed += e;
            }
        }
        long[] interval = {finished - seenFinished, elapsed - seenElapsed};
        seenFinished = finished;
        seenElapsed = elapsed;
        return interval;
    }

    /** Slots registered and not yet retired (for tests). */
    int slotCount() {
        return slots.size();
    }
}
