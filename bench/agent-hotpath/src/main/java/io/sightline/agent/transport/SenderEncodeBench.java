package io.sightline.agent.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.AgentRef;

/**
 * The sender's encode step as it runs in the agent: spans it has never touched, built on other
 * threads just before ({@link BenchRequests}: a request thread and an executor thread), drained
 * from the backlog and encoded into the queue's pages, then framed as one batch, acknowledged and
 * removed. {@link SpanEncodeBench} encodes the same spans again and again (warm
 * caches, events already ordered); this one pays the first touch of each span, as the sender does.
 * Reported per batch of {@value #BATCH} spans; on a shared machine, where the benchmark thread
 * loses its core now and then, the line each iteration prints (this thread's CPU time per span,
 * from {@link ThreadMXBean}) is the steadier figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SenderEncodeBench {
    static final int BATCH = 200;

    private ExecutorService requests;
    private BenchRequests made;
    private Backlog<SpanRecord> backlog;
    private final List<SpanRecord> drained = new ArrayList<SpanRecord>();
    private final SpanQueue queue = new SpanQueue();
    private final SpanQueue.Batch batch = new SpanQueue.Batch();
    private SpanBatchWriter writer;
    private AgentRef agent;
    private int request;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long cpuBefore;
    private long cpuNanos;
    private long spansEncoded;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backlog = new Backlog<SpanRecord>(10 * BATCH);
        made = new BenchRequests(backlog, "senderEncode");
        requests = Executors.newSingleThreadExecutor();
        agent = AgentRef.newBuilder().setAgentId("bench-agent-0a1b2c3d").setApplicationName("bench")
                .setAgentStartTime(1_700_000_000_000L).build();
        writer = new SpanBatchWriter(new MetadataTracker(50_000));
        // steady state: the collector has the metadata texts
        buildSpans();
        int events = drained.get(0).events().size();
        if (drained.size() != BATCH || events != 4) {
            throw new IllegalStateException(drained.size() + " spans, the first with " + events + " events");
        }
        encodeAll();
        queue.prepare(batch, Integer.MAX_VALUE, Long.MAX_VALUE);
        writer.frame(agent, batch, 0);
        writer.acknowledged(batch);
        queue.removeFirst(queue.size());
        batch.clear();
        cpuNanos = 0;
        spansEncoded = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        requests.shutdownNow();
        made.close();
    }

    /** Fresh spans for each measured call, built on the other threads (not measured). */
    @Setup(Level.Invocation)
    public void buildSpans() throws Exception {
        requests.submit(() -> {
            for (int i = 0; i < BATCH; i++) {
                made.request(request++);
            }
            return null;
        }).get();
        drained.clear();
        backlog.drainTo(drained, BATCH);
        cpuBefore = threads.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Invocation)
    public void countCpu() {
        cpuNanos += threads.getCurrentThreadCpuTime() - cpuBefore;
        spansEncoded += BATCH;
    }

    @TearDown(Level.Iteration)
    public void printCpu() {
        if (spansEncoded > 0) {
            System.out.printf("sender thread CPU per span: %.1f ns (%d spans)%n", (double) cpuNanos / spansEncoded,
                    spansEncoded);
        }
        cpuNanos = 0;
        spansEncoded = 0;
    }

    private void encodeAll() {
        long now = System.nanoTime();
        for (int i = 0; i < drained.size(); i++) {
            writer.encode(agent, drained.get(i), queue, now, GrpcExporter.MAX_SPAN_BYTES);
        }
    }

    /** Encode {@value #BATCH} new spans, frame them as a batch, acknowledge it and free the pages. */
    @Benchmark
    public int encodeFreshBatchOf200() {
        encodeAll();
        queue.prepare(batch, Integer.MAX_VALUE, GrpcExporter.MAX_BATCH_BYTES);
        writer.frame(agent, batch, 0);
        int length = batch.length();
        writer.acknowledged(batch);
        queue.removeFirst(batch.spans);
        batch.clear();
        return length;
    }
}
