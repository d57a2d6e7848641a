package io.sightline.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.schema.Tables;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.AgentHello;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real collector on a free port, real gRPC clients, real HBase. */
class CollectorTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private static Connection connection;
    private static Collector collector;
    private static ManagedChannel channel;
    private static HBaseQueries queries;
    private static final Random RANDOM = new Random();

    @BeforeAll
    static void start() throws Exception {
        connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        collector = new Collector(connection, CollectorConfig.defaults().withPort(0).withMaxMessageBytes(256 * 1024)
                .withFlushInterval(Duration.ofHours(1)).withCommandTimeout(Duration.ofSeconds(3)), new CollectorMetrics()).start();
        channel = channel(collector.port());
        queries = new HBaseQueries(connection);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        collector.stop(Duration.ofSeconds(5));
        connection.close();
    }

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    static byte[] traceId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[0] |= 1;
        return b;
    }

    static AgentRef ref(String app, String agent) {
        return AgentRef.newBuilder().setAgentId(agent).setApplicationName(app).setAgentStartTime(1000).build();
    }

    static Span span(byte[] trace, long spanId, long start, int elapsed) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(spanId).setServiceType("TOMCAT")
                .setStartTime(start).setElapsed(elapsed).setMethod("GET").setUri("/owners/1").setClientIp("10.0.0.7")
                .setStatus(200).build();
    }

    @Test
    void spansAreStoredOnceAndCountedOnceWhenResent() throws Exception {
        String app = "ingest-" + RUN;
        String sql = "select * from owners where id = ?";
        long sqlId = MetadataIds.of(MetadataEntry.Kind.SQL_VALUE, sql);
        long apiId = MetadataIds.of(MetadataEntry.Kind.API_VALUE, "PreparedStatement.executeQuery");
        long now = System.currentTimeMillis();
        byte[] t1 = traceId(), t2 = traceId();
        Span withSql = span(t1, 11, now, 35).toBuilder().addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1)
                .setStartOffset(4).setElapsed(2).setServiceType("H2").setApiId(apiId).setSqlId(sqlId)
                .setDestination("testdb").addBindValues(BindValue.newBuilder().setValue("1"))).build();
        SpanBatch batch = SpanBatch.newBuilder().setAgent(ref(app, app + "-1"))
                .addSpans(withSql).addSpans(span(t2, 12, now + 1, 1500))
                .addMetadata(MetadataEntry.newBuilder().setKind(MetadataEntry.Kind.SQL).setId(sqlId).setValue(sql))
                .addMetadata(MetadataEntry.newBuilder().setKind(MetadataEntry.Kind.API).setId(apiId)
                        .setValue("PreparedStatement.executeQuery"))
                .build();
        SpanServiceGrpc.SpanServiceBlockingStub spans = SpanServiceGrpc.newBlockingStub(channel);
        double storedBefore = collector.metrics().storedCount();
        assertThat(spans.send(batch)).isEqualTo(BatchAck.newBuilder().setAccepted(2).build());
        assertThat(spans.send(batch)).isEqualTo(BatchAck.newBuilder().setAccepted(2).build());
        assertThat(collector.metrics().storedCount() - storedBefore).isEqualTo(2);
        collector.flush();

        assertThat(queries.scatter(new TransactionQuery(app, now, now + 2, null, null, null, null, null, null, 100, null))
                .points()).extracting(p -> p.transactionId() + "/" + p.agentId() + "/" + p.elapsed())
                .containsExactly(TraceIds.traceIdHex(t2) + "/" + app + "-1/1500", TraceIds.traceIdHex(t1) + "/" + app + "-1/35");
        CallTree tree = queries.callTree(TraceIds.traceIdHex(t1)).orElseThrow();
        assertThat(tree.callTree()).hasSize(2);
        assertThat(tree.callTree().get(1).argument()).isEqualTo(sql);
        assertThat(tree.callTree().get(1).api()).isEqualTo("PreparedStatement.executeQuery");
        assertThat(tree.callTree().get(1).bindValues()).containsExactly("1");
        try (Table t = connection.getTable(Tables.TRACES)) {
            assertThat(t.get(new Get(t1)).rawCells()).hasSize(1);
            // the agent's bytes are stored as sent, with the batch's agent ref filling the span's gaps
            Span stored = Span.parseFrom(CellUtil.cloneValue(t.get(new Get(t1)).rawCells()[0]));
            assertThat(stored).isEqualTo(withSql.toBuilder().setAgentId(app + "-1").setApplicationName(app)
                    .setAgentStartTime(1000).build());
        }
        ServerMap map = queries.serverMap(app, now - 120_000, now + 120_000);
        assertThat(map.links()).extracting(l -> l.from() + "->" + l.to() + " " + l.totalCount() + " " + l.histogram())
                .containsExactlyInAnyOrder(
                        "USER^USER->" + app + "^TOMCAT 2 Histogram[under1s=1, under3s=1, under5s=0, slow=0, error=0]",
                        app + "^TOMCAT->testdb^H2 1 Histogram[under1s=1, under3s=0, under5s=0, slow=0, error=0]");
    }

    @Test
    void stoppingDuringAPeriodicFlushCountsEverySpanExactlyOnce() throws Exception {
        // a flush every millisecond: stop() almost always lands while one is writing increments;
        // interrupting it left the outcome unknown and the final flush wrote the counts again
        long now = System.currentTimeMillis();
        java.util.Map<String, Long> sent = new java.util.LinkedHashMap<>();
        for (int round = 0; round < 12; round++) {
            String app = "stop-" + round + "-" + RUN;
            Collector c = new Collector(connection, CollectorConfig.defaults().withPort(0)
                    .withFlushInterval(Duration.ofMillis(1)), new CollectorMetrics()).start();
            ManagedChannel ch = channel(c.port());
            try {
                SpanBatch.Builder b = SpanBatch.newBuilder().setAgent(ref(app, app + "-1")).setFirstAttempt(true);
                for (int i = 0; i < 40; i++) {
                    b.addSpans(span(traceId(), 100 + i, now + i, 10 + i));
                }
                assertThat(SpanServiceGrpc.newBlockingStub(ch).send(b.build()).getAccepted()).isEqualTo(40);
                sent.put(app, 40L);
            } finally {
                ch.shutdownNow();
                c.stop(Duration.ofSeconds(5));
            }
        }
        java.util.Map<String, Long> counted = new java.util.LinkedHashMap<>();
        for (String app : sent.keySet()) {
            counted.put(app, queries.serverMap(app, now - 120_000, now + 120_000).links().stream()
                    .filter(l -> l.from().equals("USER^USER")).mapToLong(ServerMap.Link::totalCount).sum());
        }
        assertThat(counted).containsExactlyEntriesOf(sent);
    }

    @Test
    void aFirstAttemptIsStoredWithoutCheckAndItsResendIsCheckedAndNotCountedAgain() throws Exception {
        String app = "first-" + RUN;
        long now = System.currentTimeMillis();
        byte[] t1 = traceId(), t2 = traceId();
        SpanBatch first = SpanBatch.newBuilder().setAgent(ref(app, app + "-1")).setFirstAttempt(true)
                .addSpans(span(t1, 21, now, 40)).addSpans(span(t2, 22, now + 1, 3200)).build();
        SpanServiceGrpc.SpanServiceBlockingStub spans = SpanServiceGrpc.newBlockingStub(channel);
        double storedBefore = collector.metrics().storedCount();
        assertThat(spans.send(first)).isEqualTo(BatchAck.newBuilder().setAccepted(2).build());
        assertThat(collector.metrics().storedCount() - storedBefore).isEqualTo(2);
        // the agent lost the reply: it sends the same spans again, no longer as a first attempt
        assertThat(spans.send(first.toBuilder().setFirstAttempt(false).build()))
                .isEqualTo(BatchAck.newBuilder().setAccepted(2).build());
        assertThat(collector.metrics().storedCount() - storedBefore).isEqualTo(2);
        collector.flush();
        assertThat(queries.scatter(new TransactionQuery(app, now, now + 2, null, null, null, null, null, null, 100, null))
                .points()).extracting(p -> p.transactionId() + "/" + p.agentId() + "/" + p.elapsed())
                .containsExactly(TraceIds.traceIdHex(t2) + "/" + app + "-1/3200", TraceIds.traceIdHex(t1) + "/" + app + "-1/40");
        assertThat(queries.callTree(TraceIds.traceIdHex(t2)).orElseThrow().callTree()).singleElement()
                .satisfies(r -> assertThat(r.elapsed()).isEqualTo(3200));
        ServerMap map = queries.serverMap(app, now - 120_000, now + 120_000);
        assertThat(map.links()).extracting(l -> l.from() + "->" + l.to() + " " + l.totalCount() + " " + l.histogram())
                .containsExactly("USER^USER->" + app + "^TOMCAT 2 Histogram[under1s=1, under3s=0, under5s=1, slow=0, error=0]");
    }

    @Test
    void invalidSpansAreRefusedAndTheRestStored() {
        String app = "partial-" + RUN;
        long now = System.currentTimeMillis();
        byte[] good = traceId();
        SpanBatch batch = SpanBatch.newBuilder().setAgent(ref(app, app + "-1"))
                .addSpans(span(good, 1, now, 5))
                .addSpans(span(new byte[3], 2, now, 5))
                .addSpans(span(traceId(), 0, now, 5))
                .addSpans(span(traceId(), 3, now, -1))
                .build();
        BatchAck ack = SpanServiceGrpc.newBlockingStub(channel).send(batch);
        assertThat(ack.getAccepted()).isEqualTo(1);
        assertThat(ack.getRejected()).isEqualTo(3);
        assertThat(ack.getMessage()).isEqualTo("3 span(s) refused, first: trace_id must be 16 bytes");
        assertThat(queries.scatter(new TransactionQuery(app, now, now + 1, null, null, null, null, null, null, 100, null))
                .points()).extracting(p -> p.transactionId()).containsExactly(TraceIds.traceIdHex(good));
    }

    @Test
    void malformedAndOversizedMessagesGetAnErrorStatusAndOthersAreStillServed() {
        // bytes that are not a SpanBatch
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(SpanServiceGrpc.getSendMethod().getFullMethodName())
                .setRequestMarshaller(new BytesMarshaller()).setResponseMarshaller(new BytesMarshaller()).build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT,
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0a, 0x7f}))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        // a well-formed batch holding a span that is not a Span: refused whole, nothing stored
        String app = "badspan-" + RUN;
        long now = System.currentTimeMillis();
        byte[] good = traceId();
        byte[] batchBytes = SpanBatch.newBuilder().setAgent(ref(app, app + "-1")).addSpans(span(good, 1, now, 5)).build().toByteArray();
        byte[] badSpan = {0x12, 0x03, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // field 2 (spans), 3 bytes: a truncated varint
        byte[] withBad = java.util.Arrays.copyOf(batchBytes, batchBytes.length + badSpan.length);
        System.arraycopy(badSpan, 0, withBad, batchBytes.length, badSpan.length);
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, withBad))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(queries.scatter(new TransactionQuery(app, now, now + 1, null, null, null, null, null, null, 100, null))
                .points()).isEmpty();
        try (Table t = connection.getTable(Tables.TRACES)) {
            assertThat(t.exists(new Get(good))).isFalse();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // over the size limit (256 KiB in this test)
        SpanBatch huge = SpanBatch.newBuilder().setAgent(ref("huge", "huge-1"))
                .addSpans(span(traceId(), 1, 1000, 1).toBuilder().setUri("x".repeat(300_000))).build();
        assertThatThrownBy(() -> SpanServiceGrpc.newBlockingStub(channel).send(huge))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        // no agent
        assertThatThrownBy(() -> SpanServiceGrpc.newBlockingStub(channel).send(SpanBatch.newBuilder()
                .addSpans(span(traceId(), 1, 1000, 1)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("agent.agent_id is required");
                });
        assertThatThrownBy(() -> AgentServiceGrpc.newBlockingStub(channel).register(AgentInfo.newBuilder().build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        // the same channel and a new client are still served
        assertThat(SpanServiceGrpc.newBlockingStub(channel).send(SpanBatch.newBuilder().setAgent(ref("ok-" + RUN, "ok-1"))
                .addSpans(span(traceId(), 1, System.currentTimeMillis(), 1)).build()).getAccepted()).isEqualTo(1);
        ManagedChannel other = channel(collector.port());
        try {
            assertThat(AgentServiceGrpc.newBlockingStub(other).ping(ref("ok-" + RUN, "ok-1")).getServerTime()).isPositive();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void agentLifecycleAndStats() throws Exception {
        String app = "life-" + RUN;
        String id = app + "-" + "p".repeat(300);
        long start = System.currentTimeMillis() - 10_000;
        AgentServiceGrpc.AgentServiceBlockingStub agents = AgentServiceGrpc.newBlockingStub(channel);
        assertThat(agents.register(AgentInfo.newBuilder().setAgentId(id).setApplicationName(app).setServiceType("TOMCAT")
                .setHostname("host").setIp("10.0.0.1").setPid(7).setStartTime(start).setJvmVersion("17")
                .setAgentVersion("0.1.0").setProtocolVersion(1).build()).getProtocolVersion()).isEqualTo(1);
        assertThat(queries.agent(id).orElseThrow().status()).isEqualTo("RUNNING");
        StatServiceGrpc.newBlockingStub(channel).send(StatBatch.newBuilder().setAgent(ref(app, id))
                .addStats(JvmStat.newBuilder().setTimestamp(start + 5000).setHeapUsed(123).setThreads(9)).build());
        assertThat(queries.agentStats(id, start, start + 10_000).heapUsed()).containsExactly(123L);
        agents.shutdown(AgentRef.newBuilder().setAgentId(id).setApplicationName(app).setAgentStartTime(start).build());
        assertThat(queries.agent(id).orElseThrow().status()).isEqualTo("SHUTDOWN");
        assertThat(queries.applications()).anySatisfy(a -> {
            assertThat(a.name()).isEqualTo(app);
            assertThat(a.agents()).extracting(x -> x.agentId()).containsExactly(id);
        });
    }

    @Test
    void tokenIsRequiredOnlyWhenConfigured() throws Exception {
        Collector secured = new Collector(connection, CollectorConfig.defaults().withPort(0).withToken("s3cret-token")
                .withFlushInterval(Duration.ofHours(1)), new CollectorMetrics()).start();
        ManagedChannel ch = channel(secured.port());
        try {
            AgentRef r = ref("tok-" + RUN, "tok-1");
            assertThatThrownBy(() -> AgentServiceGrpc.newBlockingStub(ch).ping(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).doesNotContain("s3cret");
                    });
            assertThatThrownBy(() -> AgentServiceGrpc.newBlockingStub(ch).withInterceptors(token("wrong")).ping(r))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).doesNotContain("s3cret");
                    });
            assertThat(AgentServiceGrpc.newBlockingStub(ch).withInterceptors(token("s3cret-token")).ping(r).getServerTime())
                    .isPositive();
            assertThat(SpanServiceGrpc.newBlockingStub(ch).withInterceptors(token("s3cret-token"))
                    .send(SpanBatch.newBuilder().setAgent(r).addSpans(span(traceId(), 5, System.currentTimeMillis(), 1)).build())
                    .getAccepted()).isEqualTo(1);
        } finally {
            ch.shutdownNow();
            secured.stop(Duration.ofSeconds(5));
        }
        // the default collector (no token) accepts a call with or without one
        assertThat(AgentServiceGrpc.newBlockingStub(channel).ping(ref("tok-" + RUN, "tok-1")).getServerTime()).isPositive();
        assertThat(AgentServiceGrpc.newBlockingStub(channel).withInterceptors(token("anything"))
                .ping(ref("tok-" + RUN, "tok-1")).getServerTime()).isPositive();
    }

    @Test
    void liveActiveRequestsOverTheCommandStream() throws Exception {
        String app = "live-" + RUN;
        String agentId = app + "-1";
        LiveAgents live = collector.liveAgents();
        assertThat(live.activeRequests(agentId)).isEmpty();
        byte[] trace = traceId();
        CountDownLatch closed = new CountDownLatch(1);
        StreamObserver<CommandReply>[] toCollector = new StreamObserver[1];
        toCollector[0] = CommandServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(Command c) {
                if (c.hasActiveRequests()) {
                    toCollector[0].onNext(CommandReply.newBuilder().setRequestId(c.getRequestId())
                            .setActiveRequests(ActiveRequests.newBuilder()
                                    .addRequests(io.sightline.protocol.v1.ActiveRequest.newBuilder()
                                            .setTraceId(ByteString.copyFrom(trace)).setUri("/slow").setStartTime(1000)
                                            .setElapsed(8123).setThreadName("http-nio-8080-exec-3")
                                            .addStack("org.example.Slow.sleep(Slow.java:12)"))
                                    .addRequests(io.sightline.protocol.v1.ActiveRequest.newBuilder()
                                            .setUri("/fast").setStartTime(2000).setElapsed(5).setThreadName("exec-4")))
                            .build());
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
        toCollector[0].onNext(CommandReply.newBuilder().setHello(AgentHello.newBuilder().setAgent(ref(app, agentId))
                .setProtocolVersion(1)).build());
        long deadline = System.currentTimeMillis() + 10_000;
        while (live.activeRequests(agentId).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(live.activeRequests(agentId)).contains(List.of(
                new LiveAgents.ActiveRequest(TraceIds.traceIdHex(trace), "/slow", 1000, 8123, "http-nio-8080-exec-3",
                        List.of("org.example.Slow.sleep(Slow.java:12)")),
                new LiveAgents.ActiveRequest(null, "/fast", 2000, 5, "exec-4", List.of())));
        try (Table t = connection.getTable(Tables.AGENTS)) {
            byte[] holder = t.get(new Get(RowKeys.agentRow(agentId))).getValue(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR);
            assertThat(Bytes.toString(holder)).isEqualTo("127.0.0.1:" + collector.port());
        }
        toCollector[0].onCompleted();
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        deadline = System.currentTimeMillis() + 10_000;
        while (live.activeRequests(agentId).isPresent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(live.activeRequests(agentId)).isEmpty();
    }

    static io.grpc.ClientInterceptor token(String value) {
        Metadata m = new Metadata();
        m.put(TokenInterceptor.TOKEN, value);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
