package io.sightline.bench.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;

/**
 * A collector that speaks the real gRPC protocol, acknowledges everything and keeps nothing but
 * counters, so the sink is never what limits the measured application.
 */
final class DropCollector implements AutoCloseable {
    final AtomicLong spans = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    private final Server server;

    DropCollector() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void register(AgentInfo request, StreamObserver<RegisterReply> out) {
                        out.onNext(RegisterReply.newBuilder().setServerTime(System.currentTimeMillis())
                                .setProtocolVersion(Protocol.PROTOCOL_VERSION).build());
                        out.onCompleted();
                    }

                    @Override
                    public void ping(AgentRef request, StreamObserver<PingReply> out) {
                        out.onNext(PingReply.newBuilder().setServerTime(System.currentTimeMillis()).build());
                        out.onCompleted();
                    }

                    @Override
                    public void shutdown(AgentRef request, StreamObserver<PingReply> out) {
                        ping(request, out);
                    }
                })
                .addService(new SpanServiceGrpc.SpanServiceImplBase() {
                    @Override
                    public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
                        batches.incrementAndGet();
                        bytes.addAndGet(batch.getSerializedSize());
                        spans.addAndGet(batch.getSpansCount());
                        for (Span s : batch.getSpansList()) {
                            events.addAndGet(s.getEventsCount());
                        }
                        out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
                        out.onCompleted();
                    }
                })
                .addService(new StatServiceGrpc.StatServiceImplBase() {
                    @Override
                    public void send(StatBatch batch, StreamObserver<BatchAck> out) {
                        out.onNext(BatchAck.newBuilder().setAccepted(batch.getStatsCount()).build());
                        out.onCompleted();
                    }
                })
                .addService(new CommandServiceGrpc.CommandServiceImplBase() {
                    @Override
                    public StreamObserver<CommandReply> connect(StreamObserver<Command> toAgent) {
                        return new StreamObserver<CommandReply>() {
                            @Override
                            public void onNext(CommandReply value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                toAgent.onCompleted();
                            }
                        };
                    }
                })
                .build()
                .start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
