package io.sightline.agent.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.AgentHello;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;

/**
 * A real gRPC collector for agent tests: it serves the agent services on a free loopback port
 * and records everything it receives. Spans are stored once per (trace id, span id), like the
 * real collector, and every delivery is counted too, so tests can see resends.
 */
public final class TestCollector implements AutoCloseable {
    private final Server server;
    public final List<AgentInfo> registrations = new CopyOnWriteArrayList<>();
    public final List<AgentRef> pings = new CopyOnWriteArrayList<>();
    public final List<AgentRef> shutdowns = new CopyOnWriteArrayList<>();
    public final List<SpanBatch> batches = new CopyOnWriteArrayList<>();
    public final List<JvmStat> stats = new CopyOnWriteArrayList<>();
    public final List<String> tokens = new CopyOnWriteArrayList<>();
    private final Map<String, Span> spans = new ConcurrentHashMap<>();
    private final List<Span> spanOrder = new CopyOnWriteArrayList<>();
    private final Map<Long, MetadataEntry> metadata = new ConcurrentHashMap<>();
    private volatile boolean refusing;

    private TestCollector(int port) throws IOException {
        ServerInterceptor tokenReader = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                String token = headers.get(Metadata.Key.of(Protocol.TOKEN_HEADER, Metadata.ASCII_STRING_MARSHALLER));
                tokens.add(token == null ? "" : token);
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(ServerInterceptors.intercept(new Agents(), tokenReader))
                .addService(new Spans())
                .addService(new Stats())
                .addService(new Commands())
                .build()
                .start();
    }

    /** Starts on a free port. */
    public static TestCollector start() throws IOException {
        return new TestCollector(0);
    }

    /** Starts on the given port (to bring a collector "back" where agents expect it). */
    public static TestCollector startOn(int port) throws IOException {
        return new TestCollector(port);
    }

    public int port() {
        return server.getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** While true, every call fails with UNAVAILABLE (a collector in trouble). */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** Distinct spans in arrival order. */
    public List<Span> spans() {
        return new ArrayList<>(spanOrder);
    }

    /** Every span delivery, resends included. */
    public int spanDeliveries() {
        return batches.stream().mapToInt(SpanBatch::getSpansCount).sum();
    }

    /** The text of a metadata id, or null when never received. */
    public String metadata(long id) {
        MetadataEntry e = metadata.get(id);
        return e == null ? null : e.getValue();
    }

    public Map<Long, MetadataEntry> metadataEntries() {
        return Map.copyOf(metadata);
    }

    /** Waits until {@code count} distinct spans match {@code filter}; returns them in arrival order. */
    public List<Span> awaitSpans(int count, Predicate<Span> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Span> found = spanOrder.stream().filter(filter).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " spans, got " + found.size() + ": " + found);
            }
            Thread.sleep(20);
        }
    }

    /** Waits for one span whose URI is {@code uri}. */
    public Span awaitSpan(String uri, Duration timeout) throws InterruptedException {
        return awaitSpans(1, s -> s.getUri().equals(uri), timeout).get(0);
    }

    /** Waits until {@code condition} holds. */
    public static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination();
    }

    private boolean refused(StreamObserver<?> out) {
        if (refusing) {
            out.onError(Status.UNAVAILABLE.withDescription("refusing (test)").asRuntimeException());
            return true;
        }
        return false;
    }

    private final class Agents extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void register(AgentInfo request, StreamObserver<RegisterReply> out) {
            if (refused(out)) {
                return;
            }
            registrations.add(request);
            out.onNext(RegisterReply.newBuilder().setServerTime(System.currentTimeMillis())
                    .setProtocolVersion(Protocol.PROTOCOL_VERSION).build());
            out.onCompleted();
        }

        @Override
        public void ping(AgentRef request, StreamObserver<PingReply> out) {
            if (refused(out)) {
                return;
            }
            pings.add(request);
            out.onNext(PingReply.newBuilder().setServerTime(System.currentTimeMillis()).build());
            out.onCompleted();
        }

        @Override
        public void shutdown(AgentRef request, StreamObserver<PingReply> out) {
            if (refused(out)) {
                return;
            }
            shutdowns.add(request);
            out.onNext(PingReply.newBuilder().setServerTime(System.currentTimeMillis()).build());
            out.onCompleted();
        }
    }

    private final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            if (refused(out)) {
                return;
            }
            batches.add(batch);
            for (MetadataEntry e : batch.getMetadataList()) {
                metadata.put(e.getId(), e);
            }
            for (Span s : batch.getSpansList()) {
                String key = io.sightline.protocol.TraceIds.hex(s.getTraceId().toByteArray()) + ":" + s.getSpanId();
                if (spans.putIfAbsent(key, s) == null) {
                    spanOrder.add(s);
                }
            }
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    /** Agents' command streams by agent id, and replies by request id. */
    private final Map<String, StreamObserver<Command>> commandStreams = new ConcurrentHashMap<>();
    private final Map<Long, java.util.concurrent.CompletableFuture<CommandReply>> pendingReplies = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextRequest = new java.util.concurrent.atomic.AtomicLong();
    public final List<AgentHello> hellos = new CopyOnWriteArrayList<>();

    /** Sends {@code command} (its request id is set here) to the agent and waits for the reply. */
    public CommandReply command(String agentId, Command.Builder command, Duration timeout) throws Exception {
        StreamObserver<Command> stream = commandStreams.get(agentId);
        if (stream == null) {
            throw new AssertionError("agent " + agentId + " has no command stream; hellos: " + hellos);
        }
        long id = nextRequest.incrementAndGet();
        java.util.concurrent.CompletableFuture<CommandReply> reply = new java.util.concurrent.CompletableFuture<>();
        pendingReplies.put(id, reply);
        synchronized (stream) {
            stream.onNext(command.setRequestId(id).build());
        }
        return reply.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private final class Commands extends CommandServiceGrpc.CommandServiceImplBase {
        @Override
        public StreamObserver<CommandReply> connect(StreamObserver<Command> toAgent) {
            return new StreamObserver<>() {
                String agentId;

                @Override
                public void onNext(CommandReply reply) {
                    if (reply.hasHello()) {
                        hellos.add(reply.getHello());
                        agentId = reply.getHello().getAgent().getAgentId();
                        commandStreams.put(agentId, toAgent);
                        return;
                    }
                    var pending = pendingReplies.remove(reply.getRequestId());
                    if (pending != null) {
                        pending.complete(reply);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    if (agentId != null) {
                        commandStreams.remove(agentId, toAgent);
                    }
                }

                @Override
                public void onCompleted() {
                    onError(null);
                    toAgent.onCompleted();
                }
            };
        }
    }

    private final class Stats extends StatServiceGrpc.StatServiceImplBase {
        @Override
        public void send(StatBatch batch, StreamObserver<BatchAck> out) {
            if (refused(out)) {
                return;
            }
            stats.addAll(batch.getStatsList());
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getStatsCount()).build());
            out.onCompleted();
        }
    }
}
