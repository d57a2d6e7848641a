package io.sightline.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the collector counts; exposed by the server at /actuator/prometheus. */
public final class CollectorMetrics {
    private final Counter received;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter refusedBusy;
    private final Counter unauthenticated;
    private final Counter invalidBatches;
    private final Counter writeFailures;
    private final Timer writeLatency;
    private final Map<String, Long> droppedByAgent = new ConcurrentHashMap<>();
    private final AtomicLong droppedTotal = new AtomicLong();

    public CollectorMetrics(MeterRegistry registry) {
        received = Counter.builder("sightline.collector.spans.received").description("spans received").register(registry);
        stored = Counter.builder("sightline.collector.spans.stored").description("new spans stored").register(registry);
        duplicates = Counter.builder("sightline.collector.spans.duplicate")
                .description("spans received again (already stored; not counted twice)").register(registry);
        rejected = Counter.builder("sightline.collector.spans.rejected").description("invalid spans refused").register(registry);
        refusedBusy = Counter.builder("sightline.collector.batches.busy")
                .description("batches refused with RESOURCE_EXHAUSTED because the collector was busy").register(registry);
        unauthenticated = Counter.builder("sightline.collector.calls.unauthenticated")
                .description("calls refused for a missing or wrong token").register(registry);
        invalidBatches = Counter.builder("sightline.collector.batches.invalid").description("batches refused as invalid")
                .register(registry);
        writeFailures = Counter.builder("sightline.collector.write.failures").description("batches HBase did not store")
                .register(registry);
        writeLatency = Timer.builder("sightline.collector.write.latency").description("time to store one span batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        registry.gauge("sightline.collector.spans.dropped.agents", droppedTotal,
                AtomicLong::doubleValue);
    }

    public CollectorMetrics() {
        this(new SimpleMeterRegistry());
    }

    void received(int n) {
        received.increment(n);
    }

    void stored(int fresh, int duplicate) {
        stored.increment(fresh);
        duplicates.increment(duplicate);
    }

    void rejected(int n) {
        rejected.increment(n);
    }

    void busy() {
        refusedBusy.increment();
    }

    void unauthenticated() {
        unauthenticated.increment();
    }

    void invalidBatch() {
        invalidBatches.increment();
    }

    void writeFailure() {
        writeFailures.increment();
    }

    void writeLatency(long nanos) {
        writeLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Agents report their cumulative drops; the gauge is the sum of the latest reports. */
    void agentDropped(String agentId, long cumulative) {
        Long before = droppedByAgent.put(agentId, cumulative);
        droppedTotal.addAndGet(cumulative - (before == null ? 0 : before));
    }

    public double storedCount() {
        return stored.count();
    }

    public double receivedCount() {
        return received.count();
    }

    public double rejectedCount() {
        return rejected.count();
    }

    public double duplicateCount() {
        return duplicates.count();
    }

    public double busyCount() {
        return refusedBusy.count();
    }
}
