package io.sightline.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.AgentHello;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.LiveQuery;
import io.sightline.protocol.v1.LiveServiceGrpc;
import io.sightline.storage.ClusterSecret;
import io.sightline.storage.query.LiveAgents;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live commands across processes: two collectors on one HBase (one of them requiring an agent
 * token), an agent's command stream open on one of them, and webs that ask over the network
 * (a web-only process, and a process whose own collector does not hold the stream).
 */
class LiveRelayTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private static final byte[] TRACE = CollectorTest.traceId();
    private static Connection connection;
    private static Collector a;
    private static Collector b;

    @BeforeAll
    static void start() throws Exception {
        connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        CollectorConfig config = CollectorConfig.defaults().withPort(0).withFlushInterval(Duration.ofHours(1))
                .withCommandTimeout(Duration.ofSeconds(3));
        a = new Collector(connection, config.withToken("agents-token"), new CollectorMetrics()).start();
        b = new Collector(connection, config, new CollectorMetrics()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        a.stop(Duration.ofSeconds(5));
        b.stop(Duration.ofSeconds(5));
        connection.close();
    }

    /** A fake agent with its command stream open on {@code port}, answering every active-requests command. */
    static final class Agent implements AutoCloseable {
        final ManagedChannel channel;
        final StreamObserver<CommandReply> toCollector;
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger asked = new AtomicInteger();

        Agent(int port, String app, String agentId, String token) {
            channel = CollectorTest.channel(port);
            CommandServiceGrpc.CommandServiceStub stub = CommandServiceGrpc.newStub(channel);
            if (token != null) {
                stub = stub.withInterceptors(CollectorTest.token(token));
            }
            StreamObserver<CommandReply>[] out = new StreamObserver[1];
            out[0] = stub.connect(new StreamObserver<>() {
                @Override
                public void onNext(Command c) {
                    if (c.hasActiveRequests()) {
                        asked.incrementAndGet();
                        synchronized (out) {
                            out[0].onNext(CommandReply.newBuilder().setRequestId(c.getRequestId())
                                    .setActiveRequests(ActiveRequests.newBuilder()
                                            .addRequests(io.sightline.protocol.v1.ActiveRequest.newBuilder()
                                                    .setTraceId(ByteString.copyFrom(TRACE)).setUri("/slow").setStartTime(1000)
                                                    .setElapsed(8123).setThreadName("http-nio-8080-exec-3")
                                                    .addStack("org.example.Slow.sleep(Slow.java:12)"))
                                            .addRequests(io.sightline.protocol.v1.ActiveRequest.newBuilder()
                                                    .setUri("/fast").setStartTime(2000).setElapsed(5).setThreadName("exec-4")))
                                    .build());
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    closed.countDown();
                }

                @Override
                public void onCompleted() {
                    closed.countDown();
                }
            });
            toCollector = out[0];
            toCollector.onNext(CommandReply.newBuilder().setHello(AgentHello.newBuilder()
                    .setAgent(CollectorTest.ref(app, agentId)).setProtocolVersion(1)).build());
        }

        @Override
        public void close() throws InterruptedException {
            toCollector.onCompleted();
            closed.await(10, TimeUnit.SECONDS);
            channel.shutdownNow();
        }
    }

    static final List<LiveAgents.ActiveRequest> EXPECTED = List.of(
            new LiveAgents.ActiveRequest(TraceIds.traceIdHex(TRACE), "/slow", 1000, 8123, "http-nio-8080-exec-3",
                    List.of("org.example.Slow.sleep(Slow.java:12)")),
            new LiveAgents.ActiveRequest(null, "/fast", 2000, 5, "exec-4", List.of()));

    static Optional<List<LiveAgents.ActiveRequest>> await(LiveAgents live, String agentId, boolean present) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        Optional<List<LiveAgents.ActiveRequest>> r = live.activeRequests(agentId);
        while (r.isPresent() != present && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            r = live.activeRequests(agentId);
        }
        return r;
    }

    @Test
    void aWebAsksTheCollectorThatHoldsTheStreamOverTheNetwork() throws Exception {
        String agentId = "relay-" + RUN + "-1";
        // a web-only process: no collector of its own
        try (LiveRelay.Client webOnly = new LiveRelay.Client(() -> connection, () -> null, () -> null, Duration.ofSeconds(3));
             // a server whose own collector (b) does not hold this agent's stream
             LiveRelay.Client beside = new LiveRelay.Client(() -> connection, b::liveAgents, b::advertisedAddress,
                     Duration.ofSeconds(3))) {
            assertThat(webOnly.activeRequests(agentId)).isEmpty();
            Agent agent = new Agent(a.port(), "relay-" + RUN, agentId, "agents-token");
            try {
                assertThat(await(webOnly, agentId, true)).contains(EXPECTED);
                assertThat(b.liveAgents().activeRequests(agentId)).isEmpty();
                assertThat(beside.activeRequests(agentId)).contains(EXPECTED);
                // each answer was the agent's own: asked once per question, through collector a
                assertThat(agent.asked.get()).isGreaterThanOrEqualTo(2);
            } finally {
                agent.close();
            }
            // the stream closed: nobody holds it any more
            assertThat(await(webOnly, agentId, false)).isEmpty();
            assertThat(beside.activeRequests(agentId)).isEmpty();
        }
    }

    @Test
    void aHolderThatIsGoneIsNotConnected() throws Exception {
        String agentId = "relay-" + RUN + "-gone";
        Collector c = new Collector(connection, CollectorConfig.defaults().withPort(0).withFlushInterval(Duration.ofHours(1))
                .withCommandTimeout(Duration.ofSeconds(3)), new CollectorMetrics()).start();
        try (LiveRelay.Client web = new LiveRelay.Client(() -> connection, () -> null, () -> null, Duration.ofSeconds(1))) {
            Agent agent = new Agent(c.port(), "relay-" + RUN, agentId, null);
            assertThat(await(web, agentId, true)).contains(EXPECTED);
            // the collector process dies without clearing its record (kill -9): the record stays...
            c.stop(Duration.ofSeconds(1));
            new io.sightline.storage.write.AgentStore(connection).commandStream(agentId, c.advertisedAddress(), true,
                    System.currentTimeMillis());
            // ...but nobody answers there: 404, within the deadline
            long t0 = System.nanoTime();
            assertThat(web.activeRequests(agentId)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            agent.channel.shutdownNow();
        } finally {
            c.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void theLiveServiceWantsTheClusterSecretNotTheAgentToken() throws Exception {
        ManagedChannel ch = CollectorTest.channel(a.port());
        try {
            LiveQuery q = LiveQuery.newBuilder().setAgentId("nobody-" + RUN).build();
            for (Metadata m : List.of(new Metadata(), headers(CollectorTest.token("agents-token")), secret("wrong"))) {
                assertThatThrownBy(() -> LiveServiceGrpc.newBlockingStub(ch)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m)).activeRequests(q))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            }
            assertThat(LiveServiceGrpc.newBlockingStub(ch)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(secret(ClusterSecret.get(connection))))
                    .activeRequests(q).getConnected()).isFalse();
            // one secret per installation, the same for every server
            assertThat(ClusterSecret.get(connection)).hasSize(43).isEqualTo(ClusterSecret.get(connection));
        } finally {
            ch.shutdownNow();
        }
    }

    private static Metadata secret(String value) {
        Metadata m = new Metadata();
        m.put(LiveRelay.SECRET, value);
        return m;
    }

    private static Metadata headers(io.grpc.ClientInterceptor ignored) {
        Metadata m = new Metadata();
        m.put(TokenInterceptor.TOKEN, "agents-token");
        return m;
    }
}
