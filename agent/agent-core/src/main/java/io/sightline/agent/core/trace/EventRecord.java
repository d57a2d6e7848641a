package io.sightline.agent.core.trace;

import java.util.List;

/** One timed call inside a span, as recorded on the application's threads. */
public final class EventRecord {
    /**
     * Order in the span's call tree (depth first, siblings by start), set when the span's events
     * are ordered; until then, the order in which events were begun (0, 1, ...), which breaks ties
     * between siblings started in the same nanosecond.
     */
    public int sequence;
    /** Depth below the span's entry row (1 = called by the entry); set when the span finishes. */
    public int depth;
    final long startNanos;
    /** The row this call ran under; null for the span's entry row. */
    final EventRecord parent;
    /** The event begun after this one in the same span (the span keeps them as a chain, not in a list). */
    EventRecord nextBegun;
    boolean ended;
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
    /** For a JDBC call in progress, whose scope is the event itself: its span and the row it nests under. */
    transient SpanRecord span;
    transient EventRecord outer;

    EventRecord(int begun, EventRecord parent, long startNanos) {
        this.sequence = begun;
        this.parent = parent;
        this.startNanos = startNanos;
    }
}
