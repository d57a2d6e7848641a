package io.sightline.bench.agent;

import java.io.File;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

import com.sun.net.httpserver.HttpServer;

import io.sightline.agent.testing.ForkedJvm;

/**
 * The agent's cost on a request that does real work. Each round starts {@link BenchApp}
 * (Tomcat + H2 + one outgoing HTTP call per request) once without and once with the agent, in
 * alternating order (ABBA), and drives it from a separate {@link LoadGenerator} JVM. The agent
 * reports to a {@link DropCollector} (real gRPC, keeps nothing). Every figure printed is the
 * median over the rounds, set against the baseline of the same run. No threshold: the numbers
 * are for people and for tracking over time.
 *
 * <p>Settings (system properties): bench.rounds (4), bench.clients (2), bench.warmup (4000),
 * bench.requests (8000), bench.sampling (1), bench.appJvmArgs (none: extra options of the
 * measured application, for profiling it).
 */
public final class AgentOverheadBench {
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    static final int CLIENTS = Integer.getInteger("bench.clients", 2);
    static final int WARMUP = Integer.getInteger("bench.warmup", 4000);
    static final int MEASURED = Integer.getInteger("bench.requests", 8000);
    static final int SAMPLING = Integer.getInteger("bench.sampling", 1);
    /** Extra JVM options for the measured application, space separated; {mode} and {round} are
     *  replaced (e.g. -XX:StartFlightRecording=filename=/tmp/{mode}-{round}.jfr,settings=profile). */
    static final String APP_JVM_ARGS = System.getProperty("bench.appJvmArgs", "");

    private AgentOverheadBench() {
    }

    /** One run: req/s, p50/p99 (us), startup to first 200 (ms), bytes per request, heap after GC. */
    record Result(double perSecond, double p50, double p99, double startMillis, double requestBytes,
                  double allBytes, double heap, Cpu cpu, double benchCpu) {
    }

    /**
     * The application's CPU per request in microseconds: the whole process, its request threads,
     * the agent's threads, the rest (JIT compiler, GC, Tomcat's poller...); JIT and GC time per
     * request (wall, us) and GCs per 1000 requests. CPU time per request holds better than req/s
     * on a loaded machine.
     */
    // benchCpu: CPU per request (us, warm-up included) of this JVM: downstream server and collector
    record Cpu(double process, double request, double agent, double jit, double gcPause, double gcs) {
        double other() {
            return process - request - agent;
        }
    }

    public static void main(String[] args) throws Exception {
        // the JDK server writes headers and body separately: without this, Nagle and delayed
        // ACKs add 40 ms to every outgoing call of the application
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer downstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        downstream.createContext("/down", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        downstream.setExecutor(Executors.newFixedThreadPool(4));
        downstream.start();
        String downstreamUrl = "http://127.0.0.1:" + downstream.getAddress().getPort() + "/down";
        try (DropCollector collector = new DropCollector()) {
            List<Result> plain = new ArrayList<>();
            List<Result> agent = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                boolean agentFirst = round % 2 == 1;
                for (int i = 0; i < 2; i++) {
                    boolean withAgent = (i == 0) == agentFirst;
                    Result r = run(withAgent ? collector : null, downstreamUrl, round + 1);
                    (withAgent ? agent : plain).add(r);
                    System.out.printf("  round %d %-8s %s%n", round + 1, withAgent ? "agent" : "baseline", r);
                }
            }
            print(plain, agent, collector);
        } finally {
            downstream.stop(0);
            ((java.util.concurrent.ExecutorService) downstream.getExecutor()).shutdownNow();
        }
    }

    private static void print(List<Result> plain, List<Result> agent, DropCollector collector) {
        double tp = median(plain, Result::perSecond);
        double ta = median(agent, Result::perSecond);
        System.out.printf("agent-overhead: Tomcat + H2 (2 queries with a bind, one on an executor) + 1 outgoing HTTP call per request;%n"
                + "  %d rounds (ABBA), %d clients in a separate JVM, %d warm-up + %d measured requests, sampling 1/%d; medians%n",
                ROUNDS, CLIENTS, WARMUP, MEASURED, SAMPLING);
        System.out.printf("  %-22s %12s %12s %12s%n", "", "baseline", "agent", "added");
        row("throughput (req/s)", tp, ta);
        row("p50 latency (us)", median(plain, Result::p50), median(agent, Result::p50));
        row("p99 latency (us)", median(plain, Result::p99), median(agent, Result::p99));
        row("startup to 1st 200 (ms)", median(plain, Result::startMillis), median(agent, Result::startMillis));
        row("alloc/req, req threads (B)", median(plain, Result::requestBytes), median(agent, Result::requestBytes));
        row("alloc/req, all threads (B)", median(plain, Result::allBytes), median(agent, Result::allBytes));
        row("heap after GC (KB)", median(plain, Result::heap) / 1024, median(agent, Result::heap) / 1024);
        row("CPU/req, process (us)", median(plain, r -> r.cpu().process()), median(agent, r -> r.cpu().process()));
        row("CPU/req, req threads (us)", median(plain, r -> r.cpu().request()), median(agent, r -> r.cpu().request()));
        row("CPU/req, agent threads (us)", median(plain, r -> r.cpu().agent()), median(agent, r -> r.cpu().agent()));
        row("CPU/req, other (us)", median(plain, r -> r.cpu().other()), median(agent, r -> r.cpu().other()));
        row("JIT time/req (us)", median(plain, r -> r.cpu().jit()), median(agent, r -> r.cpu().jit()));
        row("GC pause/req (us)", median(plain, r -> r.cpu().gcPause()), median(agent, r -> r.cpu().gcPause()));
        row("CPU/req, bench JVM (us)", median(plain, Result::benchCpu), median(agent, Result::benchCpu));
        row("GCs per 1000 req", median(plain, r -> r.cpu().gcs()), median(agent, r -> r.cpu().gcs()));
        System.out.printf("  throughput ratio (agent/baseline): %.3f%n", ta / tp);
        System.out.printf("  collector received %d spans, %d events, %d batches, %d bytes%n",
                collector.spans.get(), collector.events.get(), collector.batches.get(), collector.bytes.get());
    }

    private static void row(String name, double base, double agent) {
        System.out.printf("  %-26s %12.1f %12.1f %+12.1f%n", name, base, agent, agent - base);
    }

    private static double median(List<Result> results, ToDoubleFunction<Result> f) {
        double[] v = results.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Result run(DropCollector collector, String downstream, int round) throws Exception {
        String classes = new File(BenchApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        List<String> cp = new ArrayList<>(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"));
        cp.add(classes);
        int port = freePort();
        ForkedJvm.Builder b = ForkedJvm.builder().classpath(cp).main(BenchApp.class.getName(), String.valueOf(port), downstream)
                .fullJit();
        for (String arg : APP_JVM_ARGS.trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                b.jvmArg(arg.replace("{mode}", collector != null ? "agent" : "baseline").replace("{round}", String.valueOf(round)));
            }
        }
        if (collector != null) {
            b.withAgent()
                    .property("sightline.applicationName", "bench")
                    .property("sightline.agentId", "bench-" + System.nanoTime())
                    .property("sightline.collector", collector.address())
                    .property("sightline.sampling.rate", SAMPLING)
                    .property("sightline.log.dir", Files.createTempDirectory("sightline-bench-log"));
        }
        String base = "http://127.0.0.1:" + port;
        long t0 = System.nanoTime();
        try (ForkedJvm app = b.start()) {
            long startNanos = awaitFirst200(base + "/work?id=1", app, t0);
            ForkedJvm load = ForkedJvm.builder().classpath(List.of(classes)).fullJit()
                    .main(LoadGenerator.class.getName(), base, String.valueOf(CLIENTS), String.valueOf(WARMUP),
                            String.valueOf(MEASURED))
                    .start();
            long benchCpu0 = benchCpuNanos();
            try (load) {
                String[] v = load.awaitLine("RESULT", Duration.ofMinutes(10)).split(" ");
                // this JVM serves the downstream calls and, with the agent, is its collector: on
                // the same cores as the application, so its cost is shown beside the app's
                double benchCpu = (benchCpuNanos() - benchCpu0) / 1e3 / (WARMUP + MEASURED);
                double n = Double.parseDouble(v[6]);
                Cpu cpu = new Cpu(Long.parseLong(v[7]) / n / 1e3, Long.parseLong(v[8]) / n / 1e3, Long.parseLong(v[9]) / n / 1e3,
                        Long.parseLong(v[10]) * 1e3 / n, Long.parseLong(v[12]) * 1e3 / n, Long.parseLong(v[11]) * 1e3 / n);
                return new Result(Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]),
                        startNanos / 1e6, Long.parseLong(v[3]) / n, Long.parseLong(v[4]) / n, Double.parseDouble(v[5]), cpu, benchCpu);
            }
        }
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Nanoseconds from the launch of the child to its first 200 answer. */
    private static long awaitFirst200(String url, ForkedJvm app, long t0) throws Exception {
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    try (InputStream in = c.getInputStream()) {
                        in.readAllBytes();
                    }
                    return System.nanoTime() - t0;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (!app.process().isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("no 200 from the application\n" + app.describe());
            }
            Thread.sleep(5);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
