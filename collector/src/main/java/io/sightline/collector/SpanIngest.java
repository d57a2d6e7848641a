package io.sightline.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;
import io.sightline.storage.write.AgentStore;
import io.sightline.storage.write.MapStatsAggregator;
import io.sightline.storage.write.ScatterDensityWriter;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Span and stat ingest. A batch is acknowledged only after it is durable in HBase; at most
 * {@code maxInflight} batches are written at once and the rest are refused with
 * RESOURCE_EXHAUSTED (the agent keeps them and retries), so a slow HBase pushes back on agents
 * instead of filling this JVM's memory.
 */
final class SpanIngest {
    private static final Logger LOG = LoggerFactory.getLogger(SpanIngest.class);
    private final SpanStore spans;
    private final AgentStore agents;
    private final MapStatsAggregator map;
    private final ScatterDensityWriter density;
    private final CollectorMetrics metrics;
    private final Semaphore inflight;

    SpanIngest(SpanStore spans, AgentStore agents, MapStatsAggregator map, ScatterDensityWriter density,
               CollectorMetrics metrics, int maxInflight) {
        this.spans = spans;
        this.agents = agents;
        this.map = map;
        this.density = density;
        this.metrics = metrics;
        this.inflight = new Semaphore(maxInflight);
        // counted when their index rows are durable, even if the request then fails (a resend will not count them)
        spans.onStored(fresh -> {
            map.add(fresh);
            density.add(fresh);
        });
    }

    /**
     * SpanService, with its Send method reading the request as a {@link ReceivedBatch} (spans kept
     * as the agent's bytes) instead of a parsed SpanBatch; the wire format is the same.
     */
    ServerServiceDefinition spanService() {
        MethodDescriptor<ReceivedBatch, BatchAck> send = SpanServiceGrpc.getSendMethod()
                .toBuilder(ReceivedBatch.MARSHALLER, ProtoUtils.marshaller(BatchAck.getDefaultInstance()))
                .build();
        return ServerServiceDefinition.builder(SpanServiceGrpc.SERVICE_NAME)
                .addMethod(send, ServerCalls.<ReceivedBatch, BatchAck>asyncUnaryCall((request, reply) -> handle(() -> sendSpans(request), reply)))
                .build();
    }

    StatServiceGrpc.StatServiceImplBase statService() {
        return new StatServiceGrpc.StatServiceImplBase() {
            @Override
            public void send(StatBatch request, StreamObserver<BatchAck> reply) {
                handle(() -> CompletableFuture.completedFuture(sendStats(request)), reply);
            }
        };
    }

    private interface Work {
        CompletableFuture<BatchAck> run() throws Exception;
    }

    /**
     * Admits a batch if an in-flight slot frees within 2 s (else RESOURCE_EXHAUSTED), runs it and
     * answers when its future completes; the slot is held until then, so admitted batches bound
     * the memory and the storage queue. The gRPC thread does not wait for HBase.
     */
    private void handle(Work work, StreamObserver<BatchAck> reply) {
        boolean acquired;
        try {
            acquired = inflight.tryAcquire(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            metrics.busy();
            reply.onError(Status.RESOURCE_EXHAUSTED.withDescription("collector busy; retry later").asRuntimeException());
            return;
        }
        CompletableFuture<BatchAck> done;
        try {
            done = work.run();
        } catch (Exception e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ack, error) -> {
            try {
                if (error == null) {
                    reply.onNext(ack);
                    reply.onCompleted();
                    return;
                }
                Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (e instanceof InvalidBatch) {
                    metrics.invalidBatch();
                    reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                } else {
                    metrics.writeFailure();
                    LOG.warn("could not store a batch: {}", e.toString());
                    reply.onError(Status.UNAVAILABLE.withDescription("storage unavailable; retry later").asRuntimeException());
                }
            } catch (RuntimeException e) {
                LOG.debug("could not answer a batch (call gone): {}", e.toString());
            } finally {
                inflight.release();
            }
        });
    }

    static final class InvalidBatch extends Exception {
        InvalidBatch(String message) {
            super(message, null, false, false);
        }
    }

    CompletableFuture<BatchAck> sendSpans(SpanBatch batch) throws Exception {
        return sendSpans(ReceivedBatch.of(batch));
    }

    CompletableFuture<BatchAck> sendSpans(ReceivedBatch batch) throws Exception {
        if (batch.problem != null) {
            throw new InvalidBatch(batch.problem);
        }
        AgentRef ref = batch.agent;
        String bad = Validation.agentRef(ref);
        if (bad != null) {
            throw new InvalidBatch(bad);
        }
        int count = batch.spans.size();
        if (count > Validation.MAX_SPANS_PER_BATCH) {
            throw new InvalidBatch("more than " + Validation.MAX_SPANS_PER_BATCH + " spans in one batch");
        }
        if (batch.metadata.size() > Validation.MAX_METADATA_PER_BATCH) {
            throw new InvalidBatch("more than " + Validation.MAX_METADATA_PER_BATCH + " metadata entries in one batch");
        }
        // every span is parsed before anything is stored: one malformed span refuses the whole batch
        List<Span> parsed = new ArrayList<>(count);
        for (ByteString bytes : batch.spans) {
            try {
                parsed.add(Span.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new InvalidBatch("request is not a valid SpanBatch message: " + e.getMessage());
            }
        }
        metrics.received(count);
        List<MetadataEntry> metadata = new ArrayList<>(batch.metadata.size());
        for (MetadataEntry m : batch.metadata) {
            if (Validation.metadata(m) == null) {
                metadata.add(m);
            }
        }
        List<Span> valid = new ArrayList<>(count);
        List<ByteString> encoded = new ArrayList<>(count);
        String firstProblem = null;
        for (int i = 0; i < count; i++) {
            Span s = parsed.get(i);
            Span filled = fill(s, ref);
            String problem = Validation.span(filled);
            if (problem == null) {
                valid.add(filled);
                encoded.add(filled == s ? batch.spans.get(i) : batch.spans.get(i).concat(filledFields(s, filled)));
            } else if (firstProblem == null) {
                firstProblem = problem;
            }
        }
        int rejected = count - valid.size();
        if (rejected > 0) {
            metrics.rejected(rejected);
        }
        if (batch.droppedSpans > 0) {
            metrics.agentDropped(ref.getAgentId(), batch.droppedSpans);
        }
        long t0 = System.nanoTime();
        String message = firstProblem == null ? null : rejected + " span(s) refused, first: " + firstProblem;
        return spans.storeAsync(valid, encoded, metadata, batch.firstAttempt).thenApply(fresh -> {
            metrics.writeLatency(System.nanoTime() - t0); // fresh spans were counted on the map by SpanStore.onStored
            metrics.stored(fresh.size(), valid.size() - fresh.size());
            BatchAck.Builder ack = BatchAck.newBuilder().setAccepted(valid.size()).setRejected(rejected);
            if (message != null) {
                ack.setMessage(message);
            }
            return ack.build();
        });
    }

    /** A span may leave out what its batch's agent ref says. */
    private static Span fill(Span s, AgentRef ref) {
        if (!s.getAgentId().isEmpty() && !s.getApplicationName().isEmpty() && s.getAgentStartTime() != 0) {
            return s;
        }
        Span.Builder b = s.toBuilder();
        if (s.getAgentId().isEmpty()) {
            b.setAgentId(ref.getAgentId());
        }
        if (s.getApplicationName().isEmpty()) {
            b.setApplicationName(ref.getApplicationName());
        }
        if (s.getAgentStartTime() == 0) {
            b.setAgentStartTime(ref.getAgentStartTime());
        }
        return b.build();
    }

    /**
     * The fields {@link #fill} set, encoded alone: appended to the span's own bytes they give the
     * filled span (protobuf reads the last value of a field), without encoding the span again.
     */
    private static ByteString filledFields(Span original, Span filled) {
        Span.Builder b = Span.newBuilder();
        if (original.getAgentId().isEmpty()) {
            b.setAgentId(filled.getAgentId());
        }
        if (original.getApplicationName().isEmpty()) {
            b.setApplicationName(filled.getApplicationName());
        }
        if (original.getAgentStartTime() == 0) {
            b.setAgentStartTime(filled.getAgentStartTime());
        }
        return b.build().toByteString();
    }

    BatchAck sendStats(StatBatch batch) throws Exception {
        String bad = Validation.agentRef(batch.getAgent());
        if (bad != null) {
            throw new InvalidBatch(bad);
        }
        if (batch.getStatsCount() > Validation.MAX_STATS_PER_BATCH) {
            throw new InvalidBatch("more than " + Validation.MAX_STATS_PER_BATCH + " stats in one batch");
        }
        List<io.sightline.protocol.v1.JvmStat> valid = new ArrayList<>();
        for (io.sightline.protocol.v1.JvmStat s : batch.getStatsList()) {
            if (s.getTimestamp() > 0 && s.getPoolsCount() <= 256) {
                valid.add(s);
                if (s.getDroppedSpans() > 0) {
                    metrics.agentDropped(batch.getAgent().getAgentId(), s.getDroppedSpans());
                }
            }
        }
        agents.stats(batch.getAgent().getAgentId(), valid, System.currentTimeMillis());
        return BatchAck.newBuilder().setAccepted(valid.size()).setRejected(batch.getStatsCount() - valid.size()).build();
    }
}
