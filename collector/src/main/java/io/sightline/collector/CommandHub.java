package io.sightline.collector;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.ActiveRequestsCommand;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.write.AgentStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command streams agents keep open to this collector, and {@link LiveAgents} over them:
 * a question is sent as a Command with a fresh request id and answered by the CommandReply with
 * the same id, or times out. Which collector holds an agent is recorded in HBase.
 */
public final class CommandHub extends CommandServiceGrpc.CommandServiceImplBase implements LiveAgents {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHub.class);
    private final Map<String, AgentStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final AgentStore agents;
    private final Duration timeout;
    private volatile String advertisedAddress;

    CommandHub(AgentStore agents, Duration timeout) {
        this.agents = agents;
        this.timeout = timeout;
    }

    void advertise(String address) {
        this.advertisedAddress = address;
    }

    /** How other processes reach this collector (null before it started). */
    String advertisedAddress() {
        return advertisedAddress;
    }

    /** One agent's open stream. */
    private final class AgentStream implements StreamObserver<CommandReply> {
        private final ServerCallStreamObserver<Command> out;
        private final Map<Long, CompletableFuture<CommandReply>> pending = new ConcurrentHashMap<>();
        private volatile String agentId;

        AgentStream(ServerCallStreamObserver<Command> out) {
            this.out = out;
        }

        @Override
        public void onNext(CommandReply reply) {
            if (reply.hasHello()) {
                String id = reply.getHello().getAgent().getAgentId();
                if (Validation.agentRef(reply.getHello().getAgent()) != null) {
                    out.onError(Status.INVALID_ARGUMENT.withDescription("hello needs a valid agent ref").asRuntimeException());
                    return;
                }
                agentId = id;
                AgentStream previous = streams.put(id, this);
                if (previous != null && previous != this) {
                    previous.closeQuietly();
                }
                record(id, true);
                return;
            }
            CompletableFuture<CommandReply> f = pending.remove(reply.getRequestId());
            if (f != null) {
                f.complete(reply);
            }
        }

        @Override
        public void onError(Throwable t) {
            gone();
        }

        @Override
        public void onCompleted() {
            gone();
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }

        private void gone() {
            pending.values().forEach(f -> f.complete(null));
            pending.clear();
            String id = agentId;
            if (id != null && streams.remove(id, this)) {
                record(id, false);
            }
        }

        CompletableFuture<CommandReply> send(Command.Builder command) {
            long id = requestIds.incrementAndGet();
            CompletableFuture<CommandReply> f = new CompletableFuture<>();
            pending.put(id, f);
            try {
                synchronized (out) {
                    out.onNext(command.setRequestId(id).build());
                }
            } catch (RuntimeException e) {
                pending.remove(id);
                f.complete(null);
            }
            return f;
        }

        void closeQuietly() {
            try {
                synchronized (out) {
                    out.onCompleted();
                }
            } catch (RuntimeException ignored) {
                // already closed
            }
            gone();
        }
    }

    @Override
    public StreamObserver<CommandReply> connect(StreamObserver<Command> responseObserver) {
        AgentStream s = new AgentStream((ServerCallStreamObserver<Command>) responseObserver);
        ((ServerCallStreamObserver<Command>) responseObserver).setOnCancelHandler(s::gone);
        return s;
    }

    private void record(String agentId, boolean connected) {
        String address = advertisedAddress;
        if (address == null) {
            return;
        }
        try {
            agents.commandStream(agentId, address, connected, System.currentTimeMillis());
        } catch (Exception e) {
            LOG.debug("could not record the command stream of {}: {}", agentId, e.toString());
        }
    }

    /** Agents with an open stream here. */
    public List<String> connectedAgents() {
        return new ArrayList<>(streams.keySet());
    }

    @Override
    public Optional<List<ActiveRequest>> activeRequests(String agentId) {
        return askActiveRequests(agentId).map(r -> toActiveRequests(r, System.currentTimeMillis()));
    }

    /** Whether the agent's command stream is open on this collector. */
    boolean holds(String agentId) {
        return streams.containsKey(agentId);
    }

    /** The agent's own answer; empty when its stream is not open here or it did not answer in time. */
    Optional<ActiveRequests> askActiveRequests(String agentId) {
        AgentStream s = streams.get(agentId);
        if (s == null) {
            return Optional.empty();
        }
        CommandReply reply;
        CompletableFuture<CommandReply> f = s.send(Command.newBuilder()
                .setActiveRequests(ActiveRequestsCommand.newBuilder().setWithStack(true).setMaxStackDepth(64)));
        try {
            reply = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
        if (reply == null || !reply.hasActiveRequests()) {
            return Optional.empty();
        }
        return Optional.of(reply.getActiveRequests());
    }

    /** An agent's answer as the REST API shows it, longest-running first. */
    static List<ActiveRequest> toActiveRequests(ActiveRequests reply, long now) {
        List<ActiveRequest> out = new ArrayList<>();
        for (io.sightline.protocol.v1.ActiveRequest r : reply.getRequestsList()) {
            String tx = r.getTraceId().size() == 16 ? TraceIds.traceIdHex(r.getTraceId().toByteArray()) : null;
            long elapsed = r.getElapsed() > 0 ? r.getElapsed() : Math.max(0, now - r.getStartTime());
            out.add(new ActiveRequest(tx, r.getUri(), r.getStartTime(), elapsed, r.getThreadName(), List.copyOf(r.getStackList())));
        }
        out.sort(Comparator.comparingLong(ActiveRequest::elapsed).reversed());
        return out;
    }

    /** Closes every stream (collector stop). */
    void closeAll() {
        for (AgentStream s : new ArrayList<>(streams.values())) {
            s.closeQuietly();
        }
    }
}
