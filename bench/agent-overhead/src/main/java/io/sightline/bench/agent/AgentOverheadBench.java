package io.sightline.bench.agent;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.sun.net.httpserver.HttpServer;

import io.sightline.agent.testing.ForkedJvm;

/**
 * The agent's cost on a request that does real work. Each round starts {@link BenchApp}
 * (Tomcat + H2 + one outgoing HTTP call per request) once without and once with the agent, one
 * after the other (the first alternates between rounds: ABBA), and drives both from one separate
 * {@link LoadGenerator} JVM: a warm-up of each, then the measured part in slices that alternate
 * between the two. The agent reports to a {@link DropCollector} (real gRPC, keeps nothing). Every
 * figure printed is the median over the rounds, set against the baseline of the same run, with
 * the spread of the per-round and per-slice figures. No threshold: the numbers are for people
 * and for tracking over time.
 *
 * <p>Settings (system properties): bench.rounds (4), bench.clients (2), bench.warmup (4000),
 * bench.requests (8000 per slice), bench.slices (1), bench.settle (0: at most this many more
 * warm-up chunks of bench.requests while an application's JIT is busy), bench.settleJit (2: JIT
 * us per request under which a chunk counts as quiet; two in a row settle it), bench.sampling (1),
 * bench.heap (-Xms512m -Xmx512m -Xmn256m: the same fixed heap and young generation for both
 * applications, so that G1's own sizing, which differs from run to run, does not decide the
 * comparison; empty for the JVM's defaults), bench.rate (1000 requests per second) and
 * bench.rateRequests (5000 per slice): after the saturating slices, as many alternating slices at
 * that fixed rate, open loop, for latency ({@link LoadGenerator#paced}; bench.rate=0 for none),
 * bench.appJvmArgs (none: extra options of the
 * measured application, for profiling it; {@code -Dbench.jfr=/tmp/{mode}-{round}.jfr} records
 * the measured slices only, see {@link BenchApp#profile}).
 */
public final class AgentOverheadBench {
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    static final int CLIENTS = Integer.getInteger("bench.clients", 2);
    static final int WARMUP = Integer.getInteger("bench.warmup", 4000);
    static final int MEASURED = Integer.getInteger("bench.requests", 8000);
    static final int SAMPLING = Integer.getInteger("bench.sampling", 1);
    /** The measured part is this many slices of bench.requests per application, alternating. */
    static final int SLICES = Integer.getInteger("bench.slices", 1);
    /** After the warm-up, at most this many more chunks of bench.requests per application until its JIT is quiet. */
    static final int SETTLE = Integer.getInteger("bench.settle", 0);
    /** JIT time per request (us) under which a settle chunk is quiet; two quiet chunks in a row end the settling. */
    static final String SETTLE_JIT = System.getProperty("bench.settleJit", "2");
    /**
     * The agent times its own work per request (SelfTimingHandler; two clock reads per advice
     * call, about 0.7 us per request here, added to the agent's side) and each saturated slice
     * prints its distribution: a tail figure the machine's millisecond stalls cannot blur.
     */
    static final boolean SELF_TIMING = Boolean.getBoolean("bench.selfTiming");
    /** Extra JVM options for the measured application, space separated; {mode} and {round} are
     *  replaced (e.g. -XX:StartFlightRecording=filename=/tmp/{mode}-{round}.jfr,settings=profile). */
    static final String APP_JVM_ARGS = System.getProperty("bench.appJvmArgs", "");
    /** The fixed-rate part: requests per second (0: none) and requests per slice (see {@link LoadGenerator#paced}). */
    static final int RATE = Integer.getInteger("bench.rate", 1000);
    static final int RATE_REQUESTS = Integer.getInteger("bench.rateRequests", 5000);
    /** Heap options of both applications (see the class comment). */
    static final String HEAP = System.getProperty("bench.heap", "-Xms512m -Xmx512m -Xmn256m");

    private AgentOverheadBench() {
    }

    /** One run: req/s, p50/p99 (us), startup to first 200 (ms), bytes per request, heap after GC. */
    record Result(double perSecond, double p50, double p99, double startMillis, double requestBytes,
                  double allBytes, double heap, Cpu cpu, double benchCpu, Paced paced) {
    }

    /** Latency (us) at the fixed rate: p50, p90, p99, p99.9, max. */
    record Paced(double p50, double p90, double p99, double p999, double max) {
        static Paced of(String[] v, int from) {
            return new Paced(Double.parseDouble(v[from]), Double.parseDouble(v[from + 1]), Double.parseDouble(v[from + 2]),
                    Double.parseDouble(v[from + 3]), Double.parseDouble(v[from + 4]));
        }
    }

    /**
     * The application's CPU per request in microseconds: the whole process, its request threads,
     * the agent's threads, the rest (JIT compiler, GC, Tomcat's poller...); JIT and GC time per
     * request (wall, us) and GCs per 1000 requests. CPU time per request holds better than req/s
     * on a loaded machine.
     */
    // benchCpu: CPU per measured request (us) of this JVM while that application was measured:
    // downstream server and, with the agent, its collector
    record Cpu(double process, double request, double agent, double jit, double gcPause, double gcs, double requestUser) {
        double other() {
            return process - request - agent;
        }

        /**
         * The request threads' kernel time: loopback TCP and futex waits. Both sides make the same
         * system calls per request (counted with bench.perf); how long they take still differs.
         */
        double requestSystem() {
            return request - requestUser;
        }
    }

    public static void main(String[] args) throws Exception {
        HttpServer downstream = BenchApps.downstream(CLIENTS);
        // this JVM serves the downstream calls and is the agent's collector, on the same cores as
        // the application: the load generator reads its CPU time around every slice
        downstream.createContext("/cpu", exchange -> {
            byte[] cpu = Long.toString(benchCpuNanos()).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, cpu.length);
            exchange.getResponseBody().write(cpu);
            exchange.close();
        });
        String downstreamUrl = BenchApps.url(downstream, "/down");
        String benchCpuUrl = BenchApps.url(downstream, "/cpu");
        try (DropCollector collector = new DropCollector()) {
            List<Result> plain = new ArrayList<>();
            List<Result> agent = new ArrayList<>();
            List<Double> sliceRatios = new ArrayList<>();
            List<double[]> pacedSlices = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Round r = round(collector, downstreamUrl, benchCpuUrl, round + 1, round % 2 == 1);
                plain.add(r.baseline);
                agent.add(r.agent);
                sliceRatios.addAll(r.sliceRatios);
                pacedSlices.addAll(r.pacedAdded);
            }
            print(plain, agent, sliceRatios, pacedSlices, collector);
        } finally {
            BenchApps.stop(downstream);
        }
    }

    private static void print(List<Result> plain, List<Result> agent, List<Double> sliceRatios, List<double[]> pacedSlices,
                              DropCollector collector) {
        double tp = median(plain, Result::perSecond);
        double ta = median(agent, Result::perSecond);
        System.out.printf("agent-overhead: Tomcat + H2 (2 queries with a bind, one on an executor) + 1 outgoing HTTP call per request;%n"
                + "  %d rounds (ABBA), %d clients in a separate JVM, %d warm-up + %d measured requests (%d slices of %d), sampling 1/%d; medians%n"
                + "  application heap: %s%n",
                ROUNDS, CLIENTS, WARMUP, MEASURED * SLICES, SLICES, MEASURED, SAMPLING, HEAP.isBlank() ? "JVM defaults" : HEAP);
        System.out.printf("  %-22s %12s %12s %12s%n", "", "baseline", "agent", "added");
        row("throughput (req/s)", tp, ta);
        row("p50 latency (us)", median(plain, Result::p50), median(agent, Result::p50));
        row("p99 latency (us)", median(plain, Result::p99), median(agent, Result::p99));
        boolean paced = plain.get(0).paced() != null;
        if (paced) {
            row("fixed rate p50 (us)", median(plain, r -> r.paced().p50()), median(agent, r -> r.paced().p50()));
            row("fixed rate p90 (us)", median(plain, r -> r.paced().p90()), median(agent, r -> r.paced().p90()));
            row("fixed rate p99 (us)", median(plain, r -> r.paced().p99()), median(agent, r -> r.paced().p99()));
            row("fixed rate p99.9 (us)", median(plain, r -> r.paced().p999()), median(agent, r -> r.paced().p999()));
        }
        printService();
        row("startup to 1st 200 (ms)", median(plain, Result::startMillis), median(agent, Result::startMillis));
        row("alloc/req, req threads (B)", median(plain, Result::requestBytes), median(agent, Result::requestBytes));
        row("alloc/req, all threads (B)", median(plain, Result::allBytes), median(agent, Result::allBytes));
        row("heap after GC (KB)", median(plain, Result::heap) / 1024, median(agent, Result::heap) / 1024);
        row("CPU/req, process (us)", median(plain, r -> r.cpu().process()), median(agent, r -> r.cpu().process()));
        row("CPU/req, req threads (us)", median(plain, r -> r.cpu().request()), median(agent, r -> r.cpu().request()));
        row("  of which user mode", median(plain, r -> r.cpu().requestUser()), median(agent, r -> r.cpu().requestUser()));
        row("  of which kernel", median(plain, r -> r.cpu().requestSystem()), median(agent, r -> r.cpu().requestSystem()));
        row("CPU/req, agent threads (us)", median(plain, r -> r.cpu().agent()), median(agent, r -> r.cpu().agent()));
        row("CPU/req, other (us)", median(plain, r -> r.cpu().other()), median(agent, r -> r.cpu().other()));
        row("JIT time/req (us)", median(plain, r -> r.cpu().jit()), median(agent, r -> r.cpu().jit()));
        row("GC pause/req (us)", median(plain, r -> r.cpu().gcPause()), median(agent, r -> r.cpu().gcPause()));
        row("CPU/req, bench JVM (us)", median(plain, Result::benchCpu), median(agent, Result::benchCpu));
        row("GCs per 1000 req", median(plain, r -> r.cpu().gcs()), median(agent, r -> r.cpu().gcs()));
        System.out.printf("  throughput ratio (agent/baseline): %.3f%n", ta / tp);
        // the medians above hide how much a single round moves on a shared machine: the spread says
        // whether a difference between two runs is the code's or the machine's
        List<Double> roundRatios = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> agentCpu = new ArrayList<>();
        List<Double> requestCpu = new ArrayList<>();
        List<Double> requestUser = new ArrayList<>();
        List<Double> requestSystem = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            requestCpu.add(agent.get(i).cpu().request() - plain.get(i).cpu().request());
            requestUser.add(agent.get(i).cpu().requestUser() - plain.get(i).cpu().requestUser());
            requestSystem.add(agent.get(i).cpu().requestSystem() - plain.get(i).cpu().requestSystem());
            roundRatios.add(agent.get(i).perSecond() / plain.get(i).perSecond());
            p50.add(agent.get(i).p50() - plain.get(i).p50());
            p99.add(agent.get(i).p99() - plain.get(i).p99());
            cpu.add(agent.get(i).cpu().process() - plain.get(i).cpu().process());
            agentCpu.add(agent.get(i).cpu().agent());
        }
        System.out.printf("  spread (min / median / max)%n");
        spread("throughput ratio, per round", roundRatios, "%.3f");
        spread("throughput ratio, per slice pair", sliceRatios, "%.3f");
        // the application's requests per CPU second, agent over baseline: what throughput would
        // be if the application had its cores to itself, leaving out the load generator's and the
        // bench JVM's share of these two cores (the latter receives the agent's spans, which a
        // real collector does on another machine)
        List<Double> capacity = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            capacity.add(plain.get(i).cpu().process() / agent.get(i).cpu().process());
        }
        spread("CPU-bound capacity ratio, per round", capacity, "%.3f");
        // the same without the JIT's time: what the compilers still do in the measured slices is
        // warm-up a long-running application has behind it (the request path compiled again after
        // an uncommon trap; with the agent, gRPC's and netty's per-batch code, run a few times a
        // second, crossing its compile thresholds over minutes), and it moves by tens of us per
        // request from one slice to the next on either side
        List<Double> capacityNoJit = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            Cpu b = plain.get(i).cpu();
            Cpu a = agent.get(i).cpu();
            capacityNoJit.add((b.process() - b.jit()) / (a.process() - a.jit()));
        }
        spread("CPU-bound capacity ratio without JIT", capacityNoJit, "%.3f");
        printSelf();
        spread("added p50 (us), per round", p50, "%+.1f");
        spread("added p99 (us), per round", p99, "%+.1f");
        if (paced) {
            List<Double> pacedP50 = new ArrayList<>();
            List<Double> pacedP99 = new ArrayList<>();
            for (int i = 0; i < plain.size(); i++) {
                pacedP50.add(agent.get(i).paced().p50() - plain.get(i).paced().p50());
                pacedP99.add(agent.get(i).paced().p99() - plain.get(i).paced().p99());
            }
            spread("fixed rate: added p50, per round", pacedP50, "%+.1f");
            spread("fixed rate: added p99, per round", pacedP99, "%+.1f");
            spread("fixed rate: added p50, per slice", pacedSlices.stream().map(d -> d[0]).toList(), "%+.1f");
            spread("fixed rate: added p99, per slice", pacedSlices.stream().map(d -> d[1]).toList(), "%+.1f");
        }
        printServiceSpread();
        spread("added CPU/req, process (us)", cpu, "%+.1f");
        spread("CPU/req, agent threads (us)", agentCpu, "%.1f");
        // the request threads' kernel time (loopback TCP, futex) moves by 10-20 us per request
        // from one JVM to the next of the same code; the advice makes no system call, so its cost
        // is user mode, where a round's figure moves much less
        spread("added CPU/req, req threads (us)", requestCpu, "%+.1f");
        spread("  user mode", requestUser, "%+.1f");
        spread("  kernel", requestSystem, "%+.1f");
        System.out.printf("  collector received %d spans, %d events, %d batches, %d bytes%n",
                collector.spans.get(), collector.events.get(), collector.batches.get(), collector.bytes.get());
    }

    private static void spread(String name, List<Double> values, String format) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return;
        }
        double median = medianOfSorted(v);
        System.out.printf("  %-34s %10s %10s %10s  (%d)%n", name, String.format(format, v[0]), String.format(format, median),
                String.format(format, v[v.length - 1]), v.length);
    }

    private static void row(String name, double base, double agent) {
        System.out.printf("  %-26s %12.1f %12.1f %+12.1f%n", name, base, agent, agent - base);
    }

    private static double median(List<Result> results, ToDoubleFunction<Result> f) {
        return medianOfSorted(results.stream().mapToDouble(f).sorted().toArray());
    }

    private static double medianOfSorted(double[] v) {
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The application's own service time per slice ({@link BenchApp.ServiceTimer}), all rounds:
     * phase ("saturated", "paced") to label to {p50, p90, p99, p99.9} (us) of each slice, in order,
     * so that the i-th agent slice and the i-th baseline slice are a pair measured back to back.
     */
    static final Map<String, Map<String, List<double[]>>> SERVICE = new java.util.TreeMap<>();
    /** Self-timed slices ({@link #SELF_TIMING}): {count, p50, p90, p99, p99.9, max} per slice, of requests and of tasks. */
    static final List<List<double[]>> SELF = List.of(new ArrayList<>(), new ArrayList<>());

    static double[] parsePercentiles(String text) {
        String[] v = text.trim().split("\\s+");
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.parseDouble(v[i]);
        }
        return out;
    }

    /** Medians over the self-timed slices: the agent's own time per request and per task. */
    static void printSelf() {
        String[] what = {"request thread, per request", "task thread, per task"};
        for (int w = 0; w < 2; w++) {
            List<double[]> slices = SELF.get(w);
            if (slices.isEmpty()) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            String[] names = {"p50", "p90", "p99", "p99.9", "max"};
            for (int k = 1; k <= 5; k++) {
                double[] col = new double[slices.size()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = slices.get(i)[k];
                }
                java.util.Arrays.sort(col);
                sb.append(String.format(java.util.Locale.ROOT, "  %s %.2f", names[k - 1], medianOfSorted(col)));
            }
            System.out.printf("  agent's own time (us), %s, median of %d slices:%s%n", what[w], slices.size(), sb);
        }
    }

    private static void printService() {
        String[] names = {"p50", "p90", "p99", "p99.9"};
        for (Map.Entry<String, Map<String, List<double[]>>> phase : SERVICE.entrySet()) {
            List<double[]> base = phase.getValue().get("baseline");
            List<double[]> with = phase.getValue().get("agent");
            if (base == null || with == null || base.size() != with.size()) {
                continue;
            }
            for (int q = 0; q < names.length; q++) {
                int k = q;
                row("service " + names[q] + ", " + phase.getKey(), medianOf(base.stream().map(d -> d[k]).toList()),
                        medianOf(with.stream().map(d -> d[k]).toList()));
            }
        }
    }

    private static void printServiceSpread() {
        for (Map.Entry<String, Map<String, List<double[]>>> phase : SERVICE.entrySet()) {
            List<double[]> base = phase.getValue().get("baseline");
            List<double[]> with = phase.getValue().get("agent");
            if (base == null || with == null || base.size() != with.size()) {
                continue;
            }
            for (int q : new int[] {0, 2}) {
                List<Double> added = new ArrayList<>();
                for (int i = 0; i < base.size(); i++) {
                    added.add(with.get(i)[q] - base.get(i)[q]);
                }
                spread("service: added " + (q == 0 ? "p50" : "p99") + ", " + phase.getKey(), added, "%+.1f");
            }
        }
    }

    private static double medianOf(List<Double> values) {
        return medianOfSorted(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** One round's two applications, and the agent/baseline throughput ratio of each pair of slices. */
    record Round(Result baseline, Result agent, List<Double> sliceRatios, List<double[]> pacedAdded) {
    }

    /**
     * One round: both applications started one after the other (the first to start alternates
     * between rounds; each is alone on the machine while it starts), then driven by one load JVM
     * in alternating slices.
     */
    private static Round round(DropCollector collector, String downstream, String benchCpuUrl, int round, boolean agentFirst) throws Exception {
        String classes = new File(BenchApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        ForkedJvm first = null;
        ForkedJvm second = null;
        try {
            App a = start(agentFirst ? collector : null, downstream, round, classes);
            first = a.jvm;
            App b = start(agentFirst ? null : collector, downstream, round, classes);
            second = b.jvm;
            App withAgent = agentFirst ? a : b;
            App without = agentFirst ? b : a;
            ForkedJvm load = ForkedJvm.builder().classpath(List.of(classes)).fullJit().jvmArg("-Dbench.settleJit=" + SETTLE_JIT)
                    .main(LoadGenerator.class.getName(), String.valueOf(CLIENTS), String.valueOf(WARMUP), String.valueOf(MEASURED),
                            String.valueOf(SLICES), String.valueOf(SETTLE), benchCpuUrl, String.valueOf(RATE),
                            String.valueOf(RATE_REQUESTS), (agentFirst ? "agent=" + withAgent.base : "baseline=" + without.base),
                            (agentFirst ? "baseline=" + without.base : "agent=" + withAgent.base))
                    .start();
            try (load) {
                load.awaitLine("DONE", Duration.ofMinutes(60));
            }
            Map<String, List<String[]>> slices = new HashMap<>();
            Map<String, List<String[]>> pacedSlices = new HashMap<>();
            Map<String, Paced> paced = new HashMap<>();
            Map<String, Result> results = new HashMap<>();
            for (String line : load.stdout()) {
                String[] v = line.split(" ");
                if (v[0].equals("SETTLE")) {
                    System.out.printf("  round %d settle %s %-8s JIT %6s us/req%n", round, v[2], v[1], v[3]);
                } else if (v[0].equals("SLICE")) {
                    slices.computeIfAbsent(v[1], k -> new ArrayList<>()).add(v);
                    System.out.printf("  round %d slice %s %-8s %8s req/s  p50 %6s us  p99 %6s us  agent threads %6.1f us/req  JIT %6.1f us/req%n",
                            round, v[2], v[1], v[3], v[4], v[5], Long.parseLong(v[7]) / 1e3 / MEASURED,
                            Long.parseLong(v[8]) * 1e3 / MEASURED);
                } else if (v[0].equals("SELF")) {
                    // SELF label slice requests: count p50 p90 p99 p99.9 max | tasks: count p50 ...
                    System.out.printf("  round %d self-timed %s slice %s (us) %s%n", round, v[1], v[2],
                            line.substring(line.indexOf("requests:")));
                    String[] parts = line.substring(line.indexOf("requests:") + 9).split("\\| tasks:");
                    SELF.get(0).add(parsePercentiles(parts[0]));
                    SELF.get(1).add(parsePercentiles(parts[1]));
                } else if (v[0].equals("SERVICE")) {
                    // SERVICE label phase slice count p50 p90 p99 p99.9 max
                    double[] pct = {Double.parseDouble(v[5]), Double.parseDouble(v[6]), Double.parseDouble(v[7]), Double.parseDouble(v[8])};
                    SERVICE.computeIfAbsent(v[2], k -> new HashMap<>()).computeIfAbsent(v[1], k -> new ArrayList<>()).add(pct);
                    System.out.printf("  round %d service %-9s %s %-8s %6s requests  p50 %7s  p90 %7s  p99 %7s  p99.9 %7s  max %8s us%n",
                            round, v[2], v[3], v[1], v[4], v[5], v[6], v[7], v[8], v[9]);
                } else if (v[0].equals("PACED")) {
                    pacedSlices.computeIfAbsent(v[1], k -> new ArrayList<>()).add(v);
                    System.out.printf("  round %d paced %s %-8s at %d/s  p50 %6s  p90 %6s  p99 %6s  p99.9 %6s  max %6s us%n",
                            round, v[2], v[1], RATE, v[3], v[4], v[5], v[6], v[7]);
                } else if (v[0].equals("PACEDRESULT")) {
                    paced.put(v[1], Paced.of(v, 2));
                } else if (v[0].equals("RESULT")) {
                    String[] r = Arrays.copyOfRange(v, 1, v.length);
                    App app = r[0].equals("agent") ? withAgent : without;
                    results.put(r[0], result(Arrays.copyOfRange(r, 1, r.length), app.startNanos));
                }
            }
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < SLICES; i++) {
                ratios.add(Double.parseDouble(slices.get("agent").get(i)[3]) / Double.parseDouble(slices.get("baseline").get(i)[3]));
            }
            List<double[]> pacedAdded = new ArrayList<>();
            for (int i = 0; pacedSlices.containsKey("agent") && i < pacedSlices.get("agent").size(); i++) {
                String[] withSlice = pacedSlices.get("agent").get(i);
                String[] withoutSlice = pacedSlices.get("baseline").get(i);
                pacedAdded.add(new double[] {Double.parseDouble(withSlice[3]) - Double.parseDouble(withoutSlice[3]),
                        Double.parseDouble(withSlice[5]) - Double.parseDouble(withoutSlice[5])});
            }
            for (String mode : List.of("baseline", "agent")) {
                Result r = results.get(mode);
                results.put(mode, new Result(r.perSecond(), r.p50(), r.p99(), r.startMillis(), r.requestBytes(), r.allBytes(),
                        r.heap(), r.cpu(), r.benchCpu(), paced.get(mode)));
            }
            for (String mode : agentFirst ? List.of("agent", "baseline") : List.of("baseline", "agent")) {
                System.out.printf("  round %d %-8s %s%n", round, mode, results.get(mode));
            }
            return new Round(results.get("baseline"), results.get("agent"), ratios, pacedAdded);
        } finally {
            if (second != null) {
                second.close();
            }
            if (first != null) {
                first.close();
            }
        }
    }

    private static Result result(String[] v, long startNanos) {
        double n = Double.parseDouble(v[6]);
        double benchCpu = Long.parseLong(v[14]) / n / 1e3;
        Cpu cpu = new Cpu(Long.parseLong(v[7]) / n / 1e3, Long.parseLong(v[8]) / n / 1e3, Long.parseLong(v[9]) / n / 1e3,
                Long.parseLong(v[10]) * 1e3 / n, Long.parseLong(v[12]) * 1e3 / n, Long.parseLong(v[11]) * 1e3 / n,
                Long.parseLong(v[13]) / n / 1e3);
        return new Result(Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]),
                startNanos / 1e6, Long.parseLong(v[3]) / n, Long.parseLong(v[4]) / n, Double.parseDouble(v[5]), cpu, benchCpu, null);
    }

    /** A started application: its JVM, base URL and the nanoseconds from launch to its first 200. */
    record App(ForkedJvm jvm, String base, long startNanos) {
    }

    private static App start(DropCollector collector, String downstream, int round, String classes) throws Exception {
        List<String> cp = new ArrayList<>(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"));
        cp.add(classes);
        int port = BenchApps.freePort();
        ForkedJvm.Builder b = ForkedJvm.builder().classpath(cp).main(BenchApp.class.getName(), String.valueOf(port), downstream)
                .fullJit();
        String options = HEAP + " " + APP_JVM_ARGS;
        if (APP_JVM_ARGS.contains("-Dbench.asprof=")) {
            // without it, a profiler attached later credits inlined code to the wrong methods
            options += " -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints";
        }
        for (String arg : options.trim().split("\\s+")) {
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
            if (SELF_TIMING) {
                b.property("sightline.test.selfTiming", "true");
            }
        }
        String base = "http://127.0.0.1:" + port;
        long t0 = System.nanoTime();
        ForkedJvm app = b.start();
        try {
            return new App(app, base, BenchApps.awaitFirst200(base + "/work?id=1", app, t0, Duration.ofSeconds(60)));
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
