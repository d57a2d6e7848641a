package io.sightline.agent.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;

/**
 * What the encoder reads from each span besides its fields, for 200 spans whose events are
 * already ordered: through the span's monitor (orderedEvents, droppedEvents twice, as before) or
 * without it, relying on the backlog hand-off. Only the locking differs; warm caches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandOffReadBench {
    private final List<SpanRecord> spans = new ArrayList<SpanRecord>();
    private BenchRequests made;

    @Setup
    public void setUp() throws Exception {
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(200);
        made = new BenchRequests(backlog, "handOffRead");
        for (int i = 0; i < 200; i++) {
            made.request(i);
        }
        backlog.drainTo(spans, 200);
        for (SpanRecord s : spans) {
            s.orderedEventsAfterHandOff();
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        made.close();
    }

    @Benchmark
    public int throughTheMonitor() {
        int sum = 0;
        for (int i = 0; i < spans.size(); i++) {
            SpanRecord s = spans.get(i);
            sum += s.orderedEvents().size() + s.droppedEvents() + s.droppedEvents();
        }
        return sum;
    }

    @Benchmark
    public int afterHandOff() {
        int sum = 0;
        for (int i = 0; i < spans.size(); i++) {
            SpanRecord s = spans.get(i);
            sum += s.orderedEventsAfterHandOff().size() + s.droppedEventsAfterHandOff();
        }
        return sum;
    }
}
