package io.sightline.bench.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
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
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;

/**
 * A collector that speaks the real gRPC protocol, acknowledges everything and keeps nothing but
 * counters, so the sink is never what limits the measured application. Span batches are counted
 * without being decoded ({@link CountingMarshaller}).
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
                .addService(ServerServiceDefinition.builder(SpanServiceGrpc.SERVICE_NAME)
                        .addMethod(SpanServiceGrpc.getSendMethod().toBuilder(new CountingMarshaller(),
                                        ProtoUtils.marshaller(BatchAck.getDefaultInstance())).build(),
                                ServerCalls.asyncUnaryCall((Counts batch, StreamObserver<BatchAck> out) -> {
                                    batches.incrementAndGet();
                                    bytes.addAndGet(batch.bytes);
                                    spans.addAndGet(batch.spans);
                                    events.addAndGet(batch.events);
                                    out.onNext(BatchAck.newBuilder().setAccepted(batch.spans).build());
                                    out.onCompleted();
                                }))
                        .build())
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

    /** What the collector counts of a span batch. */
    static final class Counts {
        long bytes;
        int spans;
        int events;
    }

    /**
     * Reads a SpanBatch only as far as counting needs (the tags of the batch and of each span;
     * strings and events are skipped, not decoded): this JVM shares the cores with the measured
     * application, so its work should be what any collector must do at the least (take the
     * bytes, answer), not a full parse into message objects.
     */
    static final class CountingMarshaller implements MethodDescriptor.Marshaller<Counts> {
        @Override
        public InputStream stream(Counts value) {
            throw new UnsupportedOperationException("the collector never sends span batches");
        }

        @Override
        public Counts parse(InputStream stream) {
            Counts c = new Counts();
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                in.setSizeLimit(Integer.MAX_VALUE);
                int tag;
                while ((tag = in.readTag()) != 0) {
                    if (tag == SPAN_TAG) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        c.spans++;
                        int inner;
                        while ((inner = in.readTag()) != 0) {
                            if (inner == EVENT_TAG) {
                                c.events++;
                            }
                            in.skipField(inner);
                        }
                        in.popLimit(limit);
                    } else {
                        in.skipField(tag);
                    }
                }
                c.bytes = in.getTotalBytesRead();
                return c;
            } catch (IOException e) {
                throw new IllegalArgumentException("not a span batch", e);
            }
        }
    }

    /** SpanBatch.spans (2) and Span.events (20), both length-delimited. */
    private static final int SPAN_TAG = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int EVENT_TAG = (20 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
