package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.export.AgentIdentity;
import io.sightline.agent.core.export.ExportContext;
import io.sightline.agent.core.stats.StatRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.protocol.v1.SpanServiceGrpc;
import java.io.IOException;
import java.util.Collections;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** A real gRPC server that answers register, ping, shutdown and the command stream, with the test's span service; and an exporter sending to it. */
final class TestCollector {
    private TestCollector() {
    }

    static Server start(SpanServiceGrpc.SpanServiceImplBase spans) throws IOException {
        return start(spans, 0);
    }

    /** On a given port (0: any free one). */
    static Server start(SpanServiceGrpc.SpanServiceImplBase spans, int port) throws IOException {
        return start(spans, port, null);
    }

    /** As above; {@code onRegister}, when given, runs inside every Register call before it is answered. */
    static Server start(SpanServiceGrpc.SpanServiceImplBase spans, int port, final Runnable onRegister) throws IOException {
        return NettyServerBuilder.forPort(port)
                .maxInboundMessageSize(16 * 1024 * 1024) // the collector's default
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void register(AgentInfo request, StreamObserver<RegisterReply> out) {
                        if (onRegister != null) {
                            onRegister.run();
                        }
                        out.onNext(RegisterReply.getDefaultInstance());
                        out.onCompleted();
                    }

                    @Override
                    public void ping(AgentRef request, StreamObserver<PingReply> out) {
                        out.onNext(PingReply.getDefaultInstance());
                        out.onCompleted();
                    }

                    @Override
                    public void shutdown(AgentRef request, StreamObserver<PingReply> out) {
                        out.onNext(PingReply.getDefaultInstance());
                        out.onCompleted();
                    }
                })
                .addService(new CommandServiceGrpc.CommandServiceImplBase() {
                    @Override
                    public StreamObserver<CommandReply> connect(StreamObserver<Command> out) {
                        return new StreamObserver<CommandReply>() {
                            @Override
                            public void onNext(CommandReply value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        };
                    }
                })
                .addService(spans)
                .build().start();
    }

    static GrpcExporter exporter(Server server, Backlog<SpanRecord> backlog) {
        return exporter(server.getPort(), backlog);
    }

    /** An exporter sending to a collector expected on {@code port} (there or not). */
    static GrpcExporter exporter(int port, Backlog<SpanRecord> backlog) {
        Properties p = new Properties();
        p.setProperty(AgentConfig.APPLICATION_NAME, "flag");
        p.setProperty(AgentConfig.COLLECTOR, "127.0.0.1:" + port);
        AgentConfig config = AgentConfig.of(p, Collections.<String, String>emptyMap());
        AgentIdentity id = new AgentIdentity("flag-1", "flag", "TOMCAT", "h", "127.0.0.1", 1, 1_700_000_000_000L, "17",
                "0.1.0", Collections.<String>emptyList(), Collections.<String, String>emptyMap());
        GrpcExporter exporter = new GrpcExporter();
        exporter.start(new ExportContext(config, id, backlog, new Backlog<StatRecord>(10), new TransactionStats()));
        return exporter;
    }

    /** A finished server span with the given id and URI. */
    static SpanRecord span(long id, String uri) {
        SpanRecord s = new SpanRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) id}, id, 0L, true,
                1_700_000_000_123_456L, System.nanoTime(), "TOMCAT", "GET", uri, null, null, null, null, "main", 2000);
        s.status = 200;
        s.finish(System.nanoTime());
        return s;
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
