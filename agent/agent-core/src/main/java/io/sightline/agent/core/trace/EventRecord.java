package io.sightline.agent.core.trace;

import java.util.List;

/** One timed call inside a span, as recorded on the application's threads. */
public final class EventRecord {
    public final int sequence;
    public final int depth;
    final long startNanos;
    public int startOffset;
    public int elapsed;
    public String serviceType;
    public String api;
    public String sql;
    /** Bind values by position (null entries for SQL NULL); null when none were captured. */
    public List<String> bindValues;
    public String destination;
    public String argument;
    public int status;
    public boolean error;
    public ExceptionRecord exception;
    public long nextSpanId;
    public String threadName;
    public boolean truncated;
    /** For a JDBC call in progress, whose scope is the event itself: its span and whether it nests. */
    transient SpanRecord span;
    transient boolean nests;

    EventRecord(int sequence, int depth, long startNanos) {
        this.sequence = sequence;
        this.depth = depth;
        this.startNanos = startNanos;
    }
}
