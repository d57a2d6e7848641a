package io.sightline.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages: each one gets a definite answer (OK, INVALID_ARGUMENT or
 * RESOURCE_EXHAUSTED), never a hang, an internal error or a dead collector. Bounded in count
 * and time; the seed is printed so a failure can be replayed.
 */
class FuzzTest {
    private static final int MESSAGES = 400;

    @Test
    void badMessagesNeverHurtTheCollector() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        Connection connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        Collector collector = new Collector(connection, CollectorConfig.defaults().withPort(0).withMaxMessageBytes(64 * 1024)
                .withFlushInterval(Duration.ofMillis(200)), new CollectorMetrics()).start();
        ManagedChannel channel = CollectorTest.channel(collector.port());
        Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
        long t0 = System.nanoTime();
        try {
            byte[] valid = SpanBatch.newBuilder().setAgent(CollectorTest.ref("fuzz", "fuzz-1"))
                    .addSpans(CollectorTest.span(CollectorTest.traceId(), 7, 1_700_000_000_000L, 12).toBuilder()
                            .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setElapsed(3).setServiceType("H2")
                                    .setDestination("db")))
                    .build().toByteArray();
            byte[] validStats = StatBatch.newBuilder().setAgent(CollectorTest.ref("fuzz", "fuzz-1"))
                    .addStats(JvmStat.newBuilder().setTimestamp(1_700_000_000_000L).setHeapUsed(5)).build().toByteArray();
            List<String> methods = List.of(SpanServiceGrpc.getSendMethod().getFullMethodName(),
                    StatServiceGrpc.getSendMethod().getFullMethodName(),
                    AgentServiceGrpc.getRegisterMethod().getFullMethodName(),
                    AgentServiceGrpc.getPingMethod().getFullMethodName());
            for (int i = 0; i < MESSAGES; i++) {
                String method = methods.get(random.nextInt(methods.size()));
                byte[] msg = message(random, method.contains("Stat") ? validStats : valid);
                MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
                        .setRequestMarshaller(new CollectorTest.BytesMarshaller())
                        .setResponseMarshaller(new CollectorTest.BytesMarshaller()).build();
                Status.Code code;
                try {
                    ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), msg);
                    code = Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    code = e.getStatus().getCode();
                }
                seen.merge(code, 1, Integer::sum);
                assertThat(code).as("seed %d, message %d to %s", seed, i, method)
                        .isIn(Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED));
            }
            // still serving a good client
            assertThat(SpanServiceGrpc.newBlockingStub(channel).send(SpanBatch.parseFrom(valid)).getAccepted()).isEqualTo(1);
        } finally {
            channel.shutdownNow();
            collector.stop(Duration.ofSeconds(5));
            connection.close();
        }
        System.out.println("fuzz seed " + seed + " answers " + seen + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(seen.getOrDefault(Status.Code.INVALID_ARGUMENT, 0)).isPositive();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(5));
    }

    /** Random bytes, a truncated valid message, flipped bytes, or a valid message grown past the size limit. */
    private static byte[] message(Random r, byte[] valid) {
        switch (r.nextInt(5)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
            }
            case 2 -> {
                byte[] b = valid.clone();
                for (int k = 0; k < 1 + r.nextInt(5); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return b;
            }
            case 3 -> {
                byte[] b = new byte[70 * 1024 + r.nextInt(1024)];
                System.arraycopy(valid, 0, b, 0, valid.length);
                return b;
            }
            default -> {
                // a valid prefix followed by garbage
                byte[] b = java.util.Arrays.copyOf(valid, valid.length + 1 + r.nextInt(50));
                for (int k = valid.length; k < b.length; k++) {
                    b[k] = (byte) r.nextInt(256);
                }
                return b;
            }
        }
    }
}
