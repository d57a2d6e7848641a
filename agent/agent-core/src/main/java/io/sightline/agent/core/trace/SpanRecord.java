package io.sightline.agent.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.sightline.protocol.ServiceTypes;

/**
 * One agent's handling of one incoming request. Built on the request thread; once
 * {@link #finish} has run it no longer changes and belongs to the sender.
 */
public final class SpanRecord {
    private static final Comparator<EventRecord> BY_START = new Comparator<EventRecord>() {
        @Override
        public int compare(EventRecord a, EventRecord b) {
            long d = a.startNanos - b.startNanos;
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
            return a.sequence < b.sequence ? -1 : a.sequence == b.sequence ? 0 : 1; // the order begun, still
        }
    };

    public final byte[] traceId;
    public final long spanId;
    public final long parentSpanId;
    public final boolean sampled;
    public final long startTime;
    public final int startMicros;
    final long startNanos;
    public final String serviceType;
    public final String method;
    public final String uri;
    public final String clientIp;
    public final String endpoint;
    public final String parentApplication;
    public final String parentServiceType;
    public final String threadName;
    private final int maxEvents;
    private final Thread owner = Thread.currentThread();
    /** The starting thread's tracer state and its slot of requests in progress (set by the tracer). */
    Object tracerState;
    TransactionStats.Slot statsSlot;

    public String uriTemplate;
    public int status;
    public boolean error;
    public ExceptionRecord exception;
    public int elapsed;

    /**
     * Events begun so far, in the order they began, chained through {@link EventRecord#nextBegun}
     * (no list and array per span); dropped once they are put in call-tree order.
     */
    private EventRecord firstBegun;
    private EventRecord lastBegun;
    private int begunCount;
    /** The recorded events in call-tree order, once finished. */
    private List<EventRecord> events = java.util.Collections.emptyList(); // made by the first reader
    private int droppedEvents;
    /**
     * Set once, under the lock, by {@link #finish}; volatile so that {@link #isFinished}, asked on
     * the request path before every client call and task hand-off, reads it without the lock.
     */
    private volatile boolean finished;
    /** Whether {@link #events} holds the call-tree order yet (worked out on first read). */
    private boolean ordered;
    private String parentHeader;

    public SpanRecord(byte[] traceId, long spanId, long parentSpanId, boolean sampled, long startMicrosEpoch,
                      long startNanos, String serviceType, String method, String uri, String clientIp, String endpoint,
                      String parentApplication, String parentServiceType, String threadName, int maxEvents) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.sampled = sampled;
        this.startTime = startMicrosEpoch / 1000;
        this.startMicros = (int) (startMicrosEpoch % 1000);
        this.startNanos = startNanos;
        this.serviceType = serviceType;
        this.method = method;
        this.uri = uri;
        this.clientIp = clientIp;
        this.endpoint = endpoint;
        this.parentApplication = parentApplication;
        this.parentServiceType = parentServiceType;
        this.threadName = threadName;
        this.maxEvents = maxEvents;
    }

    /**
     * Starts an event under {@code parent} (null: under the entry row); null when the span is over
     * or has reached its event limit (the event is then counted as dropped).
     */
    public synchronized EventRecord beginEvent(long nowNanos, EventRecord parent) {
        if (finished) {
            return null;
        }
        if (begunCount >= maxEvents) {
            droppedEvents++;
            return null;
        }
        EventRecord e = new EventRecord(begunCount++, parent, nowNanos);
        e.startOffset = (int) Math.max(0, (nowNanos - startNanos) / 1_000_000L);
        if (lastBegun == null) {
            firstBegun = e;
        } else {
            lastBegun.nextBegun = e;
        }
        lastBegun = e;
        return e;
    }

    /** Ends an event begun with {@link #beginEvent}; returns false when the span was already over. */
    public synchronized boolean endEvent(EventRecord e, long nowNanos) {
        if (finished || e.ended) {
            return false;
        }
        e.elapsed = (int) Math.max(0, (nowNanos - e.startNanos) / 1_000_000L);
        e.ended = true;
        return true;
    }

    /**
     * Ends the span; returns false if it was already over. Events still running are left out,
     * except rows of work handed to other threads ({@code ASYNC}), which end with the span; what
     * ran under a left-out event moves up to the nearest row that stays. Putting the events in
     * call-tree order (depth first, siblings by start time) is left to the first reader of
     * {@link #events()}, the sender's thread, not the request's: once finished, no event ends any
     * more, so the order is the same whenever it is worked out.
     */
    public synchronized boolean finish(long nowNanos) {
        if (finished) {
            return false;
        }
        finished = true;
        elapsed = (int) Math.max(0, (nowNanos - startNanos) / 1_000_000L);
        for (EventRecord e = firstBegun; e != null; e = e.nextBegun) {
            if (!e.ended && ServiceTypes.ASYNC.equals(e.serviceType)) {
                e.elapsed = (int) Math.max(0, (nowNanos - e.startNanos) / 1_000_000L);
                e.ended = true;
            }
        }
        return true;
    }

    /**
     * Puts the ended events of a finished span in call-tree order, numbered, into {@link #events}:
     * depth first, siblings by start (ties: the order begun). Runs once per span on the sender's
     * thread, so it works in two arrays instead of a map of child lists: the kept events in the
     * order begun, and per kept event its parent, first child and next sibling as indexes.
     */
    private void orderEvents() {
        int n = 0;
        for (EventRecord e = firstBegun; e != null; e = e.nextBegun) {
            if (e.ended) {
                n++;
            }
        }
        EventRecord[] kept = new EventRecord[n];
        // links[i] parent, links[n + i] next sibling, links[2n + i] first child; index n is the entry row
        int[] links = new int[3 * n + 1];
        int k = 0;
        for (EventRecord e = firstBegun, next; e != null; e = next) {
            next = e.nextBegun;
            e.nextBegun = null; // the sender keeps the events: they no longer hold each other
            if (!e.ended) {
                continue;
            }
            EventRecord p = e.parent;
            while (p != null && !p.ended) {
                p = p.parent;
            }
            // an ended parent began earlier and is already kept: its sequence is its index by now
            int pi = p == null ? n : p.sequence;
            links[k] = pi >= 0 && pi < k && kept[pi] == p ? pi : n;
            e.sequence = k;
            kept[k++] = e;
        }
        firstBegun = null;
        lastBegun = null;
        // by start, ties in the order begun (the index): insertion sort, as events mostly begin in start order
        int[] byStart = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i;
            while (j > 0 && BY_START.compare(kept[byStart[j - 1]], kept[i]) > 0) {
                byStart[j] = byStart[j - 1];
                j--;
            }
            byStart[j] = i;
        }
        java.util.Arrays.fill(links, n, 3 * n + 1, -1);
        // each row's children linked in start order: prepended from the latest start down
        for (int j = n - 1; j >= 0; j--) {
            int i = byStart[j];
            int parent = links[i];
            links[n + i] = links[2 * n + parent];
            links[2 * n + parent] = i;
        }
        EventRecord[] inOrder = new EventRecord[n];
        int out = 0;
        int depth = 1;
        int cur = links[2 * n + n];
        while (cur >= 0) {
            EventRecord e = kept[cur];
            e.depth = depth;
            inOrder[out++] = e;
            if (links[2 * n + cur] >= 0) {
                cur = links[2 * n + cur];
                depth++;
                continue;
            }
            // the next sibling of this row or of the nearest ancestor that has one
            while (cur != n && links[n + cur] < 0) {
                cur = links[cur];
                depth--;
            }
            cur = cur == n ? -1 : links[n + cur];
        }
        for (int i = 0; i < n; i++) {
            inOrder[i].sequence = i + 1;
        }
        events = java.util.Arrays.asList(inOrder);
        ordered = true;
    }

    public boolean isFinished() {
        return finished;
    }

    /** The events in call order, as a copy; only meaningful once finished. */
    public synchronized List<EventRecord> events() {
        return new ArrayList<EventRecord>(orderedEvents());
    }

    /**
     * The events in call order, not copied: for the sender, which reads them once the span is
     * finished (they no longer change then) and must not modify the list.
     */
    public synchronized List<EventRecord> orderedEvents() {
        if (finished && !ordered) {
            orderEvents();
        }
        return events;
    }

    public synchronized int droppedEvents() {
        return droppedEvents;
    }

    /**
     * {@link #orderedEvents()} for the thread that took this span out of the backlog, without
     * entering this span's monitor (last held by the request thread, on another core: entering it
     * is a locked write to that cache line).
     *
     * <p>Why no lock is needed there: the thread that finishes the span enters this monitor in
     * {@link #finish}, then offers the span to the backlog, and the taker gets it under the
     * backlog's lock. So everything done before {@code finish} on that thread, and, through this
     * monitor, everything other threads did before they last released it (events begun, ended or
     * counted as dropped, and the event fields they set before {@code endEvent}), happens-before
     * the taker's reads. After {@code finish} the synchronized methods return before writing
     * anything, so no later write exists to race with, and only the taker orders the events. A
     * write another thread makes outside this monitor and does not follow with a release of it
     * (an ASYNC row's fields, set just after {@code beginEvent}, when {@code finish} ends the row)
     * was ordered before the taker's read only when that thread happened to enter the monitor
     * again first; the lock here never guaranteed it. For a span handed over that way, read by the
     * one thread that took it; anyone else uses the synchronized methods.
     */
    public List<EventRecord> orderedEventsAfterHandOff() {
        if (finished && !ordered) {
            orderEvents();
        }
        return events;
    }

    /** {@link #droppedEvents()} under the same conditions as {@link #orderedEventsAfterHandOff()}. */
    public int droppedEventsAfterHandOff() {
        return droppedEvents;
    }

    /** This span's sightline-parent header value, built once (every outgoing call sends it). */
    String parentHeader(ParentHeader format) {
        String h = parentHeader;
        if (h == null) {
            h = format.value(spanId);
            parentHeader = h; // a race builds the same text twice, harmlessly
        }
        return h;
    }

    /**
     * From the span id (random), with identity equality: a new span's identity hash would be made
     * by a call into the VM, the first time the registry of active requests hashes it.
     */
    @Override
    public int hashCode() {
        return (int) (spanId ^ (spanId >>> 32));
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    /** True on the thread that started the span. */
    public boolean isOwnThread() {
        return Thread.currentThread() == owner;
    }

    /** Milliseconds since the span started. */
    public long age(long nowNanos) {
        return (nowNanos - startNanos) / 1_000_000L;
    }
}
