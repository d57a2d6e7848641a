package io.sightline.bench.agent;

import java.io.File;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;

/**
 * Runs {@link BenchApp} without and with the agent (reporting to a real gRPC collector) in the
 * same run, alternating rounds, and prints throughput and latency percentiles of each and their
 * ratio. No threshold: the numbers are for people and for tracking over time.
 */
public final class AgentOverheadBench {
    static final int CLIENTS = 2;
    static final int WARMUP = 3000;
    static final int MEASURED = 6000;
    static final int ROUNDS = 2;

    private AgentOverheadBench() {
    }

    record Result(double perSecond, double p50, double p99, long startMillis) {
    }

    public static void main(String[] args) throws Exception {
        try (TestCollector collector = TestCollector.start()) {
            List<Result> plain = new ArrayList<>();
            List<Result> agent = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                plain.add(run(null));
                agent.add(run(collector));
            }
            Result p = best(plain);
            Result a = best(agent);
            System.out.printf("agent-overhead: %d clients, %d measured requests, best of %d rounds%n", CLIENTS, MEASURED, ROUNDS);
            System.out.printf("  without agent: %8.0f req/s  p50 %.3f ms  p99 %.3f ms  start %d ms%n", p.perSecond, p.p50, p.p99, p.startMillis);
            System.out.printf("  with agent:    %8.0f req/s  p50 %.3f ms  p99 %.3f ms  start %d ms%n", a.perSecond, a.p50, a.p99, a.startMillis);
            System.out.printf("  ratio (agent/baseline): throughput %.3f  p50 %.3f  p99 %.3f  start %.2f%n",
                    a.perSecond / p.perSecond, a.p50 / p.p50, a.p99 / p.p99, (double) a.startMillis / p.startMillis);
            System.out.printf("  spans received by the collector: %d%n", collector.spans().size());
        }
    }

    private static Result best(List<Result> results) {
        return results.stream().max((x, y) -> Double.compare(x.perSecond, y.perSecond)).orElseThrow();
    }

    private static Result run(TestCollector collector) throws Exception {
        String classes = new File(BenchApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        List<String> cp = new ArrayList<>(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"));
        cp.add(classes);
        ForkedJvm.Builder b = ForkedJvm.builder().classpath(cp).main(BenchApp.class.getName()).fullJit();
        if (collector != null) {
            b.withAgent()
                    .property("sightline.applicationName", "bench")
                    .property("sightline.collector", collector.address())
                    .property("sightline.log.dir", Files.createTempDirectory("sightline-bench-log"));
        }
        long t0 = System.nanoTime();
        try (ForkedJvm app = b.start()) {
            String base = "http://127.0.0.1:" + app.awaitLine("READY", Duration.ofSeconds(60)) + "/work?id=";
            long startMillis = (System.nanoTime() - t0) / 1_000_000;
            load(base, WARMUP);
            long[] latencies = new long[MEASURED];
            long start = System.nanoTime();
            load(base, MEASURED, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            return new Result(MEASURED / seconds, latencies[MEASURED / 2] / 1e6, latencies[MEASURED * 99 / 100] / 1e6, startMillis);
        }
    }

    private static void load(String base, int count) throws Exception {
        load(base, count, new long[count]);
    }

    private static void load(String base, int count, long[] latencies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Thread[] threads = new Thread[CLIENTS];
        for (int t = 0; t < CLIENTS; t++) {
            threads[t] = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long s = System.nanoTime();
                    try {
                        HttpURLConnection c = (HttpURLConnection) new URL(base + (i % 100)).openConnection();
                        try (InputStream in = c.getInputStream()) {
                            in.readAllBytes();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    latencies[i] = System.nanoTime() - s;
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
