package io.sightline.agent.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collections;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

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
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;

/**
 * The agent's own threads at a steady request rate: spans like bench/agent-overhead's
 * ({@link BenchRequests}) come at {@code rate} a second for {@code seconds}, and the real sender
 * sends them over gRPC to a collector in this JVM that parses and acknowledges them. Each
 * measured run prints the CPU time per span of {@code sightline-sender} and
 * {@code sightline-grpc-io} (kernel time included: wake-ups and socket writes), the sender's
 * wake-ups and the calls made; the JMH score is only the run's wall time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SenderThreadBench {
    @Param("1000")
    public int rate;
    @Param("3")
    public int seconds;

    private Server server;
    private GrpcExporter exporter;
    private Backlog<SpanRecord> backlog;
    private BenchRequests made;
    private final AtomicLong received = new AtomicLong();
    private final AtomicInteger calls = new AtomicInteger();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private int request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = NettyServerBuilder.forPort(0)
                .maxInboundMessageSize(16 * 1024 * 1024)
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
                .addService(new SpanServiceGrpc.SpanServiceImplBase() {
                    @Override
                    public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
                        calls.incrementAndGet();
                        received.addAndGet(batch.getSpansCount());
                        out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
                        out.onCompleted();
                    }
                })
                .build().start();
        backlog = new Backlog<SpanRecord>(10_000);
        made = new BenchRequests(backlog, "senderThread");
        Properties p = new Properties();
        p.setProperty(AgentConfig.APPLICATION_NAME, "bench");
        p.setProperty(AgentConfig.COLLECTOR, "127.0.0.1:" + server.getPort());
        AgentConfig config = AgentConfig.of(p, Collections.<String, String>emptyMap());
        AgentIdentity id = new AgentIdentity("bench-agent-0a1b2c3d", "bench", "TOMCAT", "h", "127.0.0.1", 1,
                1_700_000_000_000L, "17", "0.1.0", Collections.<String>emptyList(), Collections.<String, String>emptyMap());
        exporter = new GrpcExporter();
        exporter.start(new ExportContext(config, id, backlog, new Backlog<StatRecord>(10), new TransactionStats()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        exporter.shutdown(2000);
        server.shutdownNow();
        made.close();
    }

    @Benchmark
    public long steadyRate() throws Exception {
        long sent = received.get();
        long[] before = cpu();
        long wakeUpsBefore = wakeUps();
        int callsBefore = calls.get();
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        long made = 0;
        while (made < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            while (made < due) {
                this.made.request(request++);
                made++;
            }
            Thread.sleep(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < sent + total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long[] after = cpu();
        System.out.printf("per span: sender %.0f ns, grpc-io %.0f ns; %d wake-ups, %d calls for %d spans%n",
                (double) (after[0] - before[0]) / total, (double) (after[1] - before[1]) / total,
                wakeUps() - wakeUpsBefore, calls.get() - callsBefore, received.get() - sent);
        return received.get();
    }

    /** CPU time of the sender and of gRPC's IO thread so far. */
    private long[] cpu() {
        long[] t = new long[2];
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            String name = th.getName();
            int i = name.startsWith("sightline-sender") ? 0 : name.startsWith("sightline-grpc-io") ? 1 : -1;
            if (i >= 0) {
                t[i] += Math.max(0, threads.getThreadCpuTime(th.getId()));
            }
        }
        return t;
    }

    /** The sender's wake-up count, where the sender counts them (-1 otherwise). */
    private long wakeUps() {
        try {
            java.lang.reflect.Field f = GrpcExporter.class.getDeclaredField("wakeUps");
            f.setAccessible(true);
            return f.getLong(exporter);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
