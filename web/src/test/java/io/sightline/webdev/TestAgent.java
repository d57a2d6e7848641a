package io.sightline.webdev;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.AgentHello;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's side of the collector protocol, spoken over real gRPC to a real collector: what
 * the web's tests and the dev server use to put known traffic into the storage without a JVM
 * under instrumentation. Every call waits for the collector's answer (stored when acknowledged).
 */
public final class TestAgent implements AutoCloseable {
    private final ManagedChannel channel;
    private final AgentInfo info;
    private volatile StreamObserver<CommandReply> commands;

    public TestAgent(int collectorPort, AgentInfo info) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", collectorPort).usePlaintext().build();
        this.info = info;
    }

    public AgentRef ref() {
        return AgentRef.newBuilder().setAgentId(info.getAgentId()).setApplicationName(info.getApplicationName())
                .setAgentStartTime(info.getStartTime()).build();
    }

    public AgentInfo info() {
        return info;
    }

    public TestAgent register() {
        AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .register(info.toBuilder().setProtocolVersion(Protocol.PROTOCOL_VERSION).build());
        return this;
    }

    public void ping() {
        AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).ping(ref());
    }

    public void shutdown() {
        AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).shutdown(ref());
    }

    /** Sends one batch; fails unless every span was accepted. */
    public void send(List<Span> spans, List<MetadataEntry> metadata) {
        SpanBatch.Builder b = SpanBatch.newBuilder().setAgent(ref()).addAllMetadata(metadata);
        for (Span s : spans) {
            b.addSpans(s.toBuilder().setAgentId(info.getAgentId()).setApplicationName(info.getApplicationName())
                    .setAgentStartTime(info.getStartTime()));
        }
        BatchAck ack = SpanServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).send(b.build());
        if (ack.getAccepted() != spans.size()) {
            throw new IllegalStateException("collector accepted " + ack.getAccepted() + " of " + spans.size()
                    + " spans: " + ack.getMessage());
        }
    }

    public void sendStats(List<JvmStat> stats) {
        StatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .send(StatBatch.newBuilder().setAgent(ref()).addAllStats(stats).build());
    }

    /**
     * Opens the command stream as a running agent does and answers every active-requests command
     * with what {@code inFlight} returns at that moment.
     */
    public void connectCommands(Supplier<ActiveRequests> inFlight) {
        StreamObserver<CommandReply>[] out = new StreamObserver[1];
        out[0] = CommandServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(Command c) {
                CommandReply.Builder reply = CommandReply.newBuilder().setRequestId(c.getRequestId());
                if (c.hasActiveRequests()) {
                    reply.setActiveRequests(inFlight.get());
                } else {
                    reply.setError("not supported by this test agent");
                }
                synchronized (out) {
                    out[0].onNext(reply.build());
                }
            }

            @Override
            public void onError(Throwable t) {
                commands = null;
            }

            @Override
            public void onCompleted() {
                commands = null;
            }
        });
        synchronized (out) {
            out[0].onNext(CommandReply.newBuilder().setHello(AgentHello.newBuilder().setAgent(ref())
                    .setProtocolVersion(Protocol.PROTOCOL_VERSION)).build());
        }
        commands = out[0];
    }

    public boolean commandsConnected() {
        return commands != null;
    }

    @Override
    public void close() {
        StreamObserver<CommandReply> c = commands;
        if (c != null) {
            try {
                c.onCompleted();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        channel.shutdownNow();
    }
}
