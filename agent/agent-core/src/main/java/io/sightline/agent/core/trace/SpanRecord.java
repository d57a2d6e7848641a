package io.sightline.agent.core.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
    private boolean finished;
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

    /** Puts the ended events of a finished span in call-tree order, numbered, into {@link #events}. */
    private void orderEvents() {
        Map<EventRecord, List<EventRecord>> children = null;
        List<EventRecord> top = new ArrayList<EventRecord>(begunCount);
        for (EventRecord e = firstBegun; e != null; e = e.nextBegun) {
            if (!e.ended) {
                continue;
            }
            EventRecord p = e.parent;
            while (p != null && !p.ended) {
                p = p.parent;
            }
            if (p == null) {
                top.add(e);
            } else {
                if (children == null) {
                    children = new IdentityHashMap<EventRecord, List<EventRecord>>();
                }
                List<EventRecord> c = children.get(p);
                if (c == null) {
                    c = new ArrayList<EventRecord>();
                    children.put(p, c);
                }
                c.add(e);
            }
        }
        events = new ArrayList<EventRecord>(begunCount);
        order(top, 1, children);
        for (EventRecord e = firstBegun, next; e != null; e = next) {
            next = e.nextBegun;
            e.nextBegun = null; // the sender keeps the events: they no longer hold each other
        }
        firstBegun = null;
        lastBegun = null;
        ordered = true;
    }

    private void order(List<EventRecord> siblings, int depth, Map<EventRecord, List<EventRecord>> children) {
        Collections.sort(siblings, BY_START);
        for (EventRecord e : siblings) {
            e.sequence = events.size() + 1;
            e.depth = depth;
            events.add(e);
            List<EventRecord> c = children == null ? null : children.get(e);
            if (c != null) {
                order(c, depth + 1, children);
            }
        }
    }

    public synchronized boolean isFinished() {
        return finished;
    }

    /** The events in call order; only meaningful once finished. */
    public synchronized List<EventRecord> events() {
        if (finished && !ordered) {
            orderEvents();
        }
        return new ArrayList<EventRecord>(events);
    }

    public synchronized int droppedEvents() {
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

    /** True on the thread that started the span. */
    public boolean isOwnThread() {
        return Thread.currentThread() == owner;
    }

    /** Milliseconds since the span started. */
    public long age(long nowNanos) {
        return (nowNanos - startNanos) / 1_000_000L;
    }
}
