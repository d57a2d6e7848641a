package io.sightline.agent.core.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * One agent's handling of one incoming request. Built on the request thread; once
 * {@link #finish} has run it no longer changes and belongs to the sender.
 */
public final class SpanRecord {
    private static final Comparator<EventRecord> BY_SEQUENCE = new Comparator<EventRecord>() {
        @Override
        public int compare(EventRecord a, EventRecord b) {
            return a.sequence < b.sequence ? -1 : a.sequence == b.sequence ? 0 : 1;
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

    private final List<EventRecord> events = new ArrayList<EventRecord>();
    private int droppedEvents;
    private int sequence;
    private int depth;
    private boolean finished;
    private String spanIdHex;

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
     * Starts an event; null when the span is over or has reached its event limit (the event is
     * then counted as dropped). A nesting event raises the depth of events started before it ends.
     */
    public synchronized EventRecord beginEvent(long nowNanos, boolean nests) {
        if (finished) {
            return null;
        }
        if (sequence >= maxEvents) {
            droppedEvents++;
            return null;
        }
        EventRecord e = new EventRecord(++sequence, depth + 1, nowNanos);
        e.startOffset = (int) Math.max(0, (nowNanos - startNanos) / 1_000_000L);
        if (nests) {
            depth++;
        }
        return e;
    }

    /** Ends an event begun with {@link #beginEvent}; returns false when the span was already over. */
    public synchronized boolean endEvent(EventRecord e, long nowNanos, boolean nested) {
        if (nested && depth > 0) {
            depth--;
        }
        if (finished) {
            return false;
        }
        e.elapsed = (int) Math.max(0, (nowNanos - e.startNanos) / 1_000_000L);
        events.add(e);
        return true;
    }

    /** Ends the span; returns false if it was already over. */
    public synchronized boolean finish(long nowNanos) {
        if (finished) {
            return false;
        }
        finished = true;
        elapsed = (int) Math.max(0, (nowNanos - startNanos) / 1_000_000L);
        Collections.sort(events, BY_SEQUENCE);
        return true;
    }

    public synchronized boolean isFinished() {
        return finished;
    }

    /** The events in call order; only meaningful once finished. */
    public synchronized List<EventRecord> events() {
        return new ArrayList<EventRecord>(events);
    }

    public synchronized int droppedEvents() {
        return droppedEvents;
    }

    /** The span id as 16 hex characters, built once (every outgoing call sends it). */
    public String spanIdHex() {
        String h = spanIdHex;
        if (h == null) {
            h = io.sightline.protocol.TraceIds.spanIdHex(spanId);
            spanIdHex = h;
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
