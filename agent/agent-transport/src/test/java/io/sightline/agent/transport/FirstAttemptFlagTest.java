package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.export.AgentIdentity;
import io.sightline.agent.core.export.ExportContext;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import org.junit.jupiter.api.Test;

/** The sender flags a batch as a first attempt only the first time its spans go out. */
class FirstAttemptFlagTest {

    /** Collects every Send; fails the first one (as if the collector stored it and the reply got lost). */
    private static final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        final List<SpanBatch> calls = new CopyOnWriteArrayList<SpanBatch>();
        final AtomicInteger toFail = new AtomicInteger(1);

        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            calls.add(batch);
            if (toFail.getAndDecrement() > 0) {
                out.onError(Status.UNAVAILABLE.withDescription("reply lost").asRuntimeException());
                return;
            }
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    private static SpanRecord span(long id) {
        SpanRecord s = new SpanRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) id}, id, 0L, true,
                1_700_000_000_123_456L, System.nanoTime(), "TOMCAT", "GET", "/" + id, null, null, null, null, "main", 2000);
        s.status = 200;
        s.finish(System.nanoTime());
        return s;
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static List<String> uris(SpanBatch b) {
        List<String> out = new ArrayList<String>();
        for (io.sightline.protocol.v1.Span s : b.getSpansList()) {
            out.add(s.getUri());
        }
        return out;
    }

    @Test
    void aResendAfterAFailedCallIsNotAFirstAttemptAndTheNextBatchIs() throws Exception {
        Spans spans = new Spans();
        Server server = NettyServerBuilder.forPort(0)
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void register(AgentInfo request, StreamObserver<RegisterReply> out) {
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
        Properties p = new Properties();
        p.setProperty(AgentConfig.APPLICATION_NAME, "flag");
        p.setProperty(AgentConfig.COLLECTOR, "127.0.0.1:" + server.getPort());
        AgentConfig config = AgentConfig.of(p, Collections.<String, String>emptyMap());
        AgentIdentity id = new AgentIdentity("flag-1", "flag", "TOMCAT", "h", "127.0.0.1", 1, 1_700_000_000_000L, "17",
                "0.1.0", Collections.<String>emptyList(), Collections.<String, String>emptyMap());
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(100);
        GrpcExporter exporter = new GrpcExporter();
        try {
            exporter.start(new ExportContext(config, id, backlog, new Backlog<io.sightline.agent.core.stats.StatRecord>(10),
                    new io.sightline.agent.core.trace.TransactionStats()));
            backlog.offer(span(1));
            await(() -> spans.calls.size() >= 2);
            // the first call failed (the collector may have stored it): the same spans again, unflagged
            assertThat(uris(spans.calls.get(0))).containsExactly("/1");
            assertThat(spans.calls.get(0).getFirstAttempt()).isTrue();
            assertThat(uris(spans.calls.get(1))).containsExactly("/1");
            assertThat(spans.calls.get(1).getFirstAttempt()).isFalse();
            backlog.offer(span(2));
            await(() -> spans.calls.size() >= 3);
            assertThat(uris(spans.calls.get(2))).containsExactly("/2");
            assertThat(spans.calls.get(2).getFirstAttempt()).isTrue();
            assertThat(spans.calls).hasSize(3);
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }
}
