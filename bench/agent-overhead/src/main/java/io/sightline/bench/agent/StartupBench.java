package io.sightline.bench.agent;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

import io.sightline.agent.testing.ForkedJvm;

/**
 * Startup only: starts {@link BenchApp} without the agent and with it, one JVM at a time, for
 * {@code bench.startupRuns} rounds whose order turns every round (ABBA...), and prints for each
 * side the wall time and the application's own CPU time (user + system of the whole process,
 * {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration()}) from launch to
 * the first 200 answer of {@code GET /work}, as medians with their spread, and the
 * agent-minus-baseline difference within each round (the starts of a round share the machine's
 * load of that moment: compare runs by that median). With the agent, premain's time from the
 * agent log is printed too. {@code bench.otherAgentJar} adds a third side, another build's jar,
 * for a before/after in the same run.
 *
 * <p>Settings: bench.startupRuns (20), bench.otherAgentJar (none), bench.heap and
 * bench.appJvmArgs as in {@link AgentOverheadBench}. No threshold.
 */
public final class StartupBench {
    static final int RUNS = Integer.getInteger("bench.startupRuns", 20);
    /** Another build's agent jar, measured as a third side in the same rounds (empty: none). */
    static final String OTHER_JAR = System.getProperty("bench.otherAgentJar", "");
    private static final Pattern PREMAIN = Pattern.compile("agent started in (\\d+) ms \\((\\d+) types instrumented in (\\d+) ms\\)");

    private StartupBench() {
    }

    /** One start: wall and CPU milliseconds to the first 200; premain and instrumentation ms (agent only, else -1). */
    record Start(double wallMs, double cpuMs, double premainMs, int types, double transformMs) {
    }

    public static void main(String[] args) throws Exception {
        HttpServer downstream = BenchApps.downstream(2);
        String downstreamUrl = BenchApps.url(downstream, "/down");
        String classes = new File(BenchApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        String loadBefore = loadAverage();
        // the sides: no agent, the agent jar, and optionally another build's jar measured alongside
        List<String> names = new ArrayList<>(List.of("baseline", "agent"));
        List<Path> jars = new ArrayList<>(java.util.Arrays.asList(null, ForkedJvm.agentJar()));
        if (!OTHER_JAR.isBlank()) {
            names.add("other");
            jars.add(Path.of(OTHER_JAR).toAbsolutePath());
        }
        int sides = names.size();
        List<List<Start>> starts = new ArrayList<>();
        for (int s = 0; s < sides; s++) {
            starts.add(new ArrayList<>());
        }
        try (DropCollector collector = new DropCollector()) {
            for (int i = 0; i < RUNS; i++) {
                // the order turns every round (ABBA with two sides, ABC BCA CAB... with three), so
                // that no side always starts first after a pause or right after another JVM's exit
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < sides; k++) {
                    order.add(sides == 2 ? (i % 2 == 0 ? k : 1 - k) : (i + k) % sides);
                }
                Start[] round = new Start[sides];
                for (int side : order) {
                    round[side] = start(jars.get(side), collector, downstreamUrl, classes, i + 1);
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %2d", i + 1));
                for (int side : order) {
                    Start r = round[side];
                    starts.get(side).add(r);
                    line.append(String.format(Locale.ROOT, " | %s %5.0f ms wall %5.0f ms CPU", names.get(side), r.wallMs, r.cpuMs));
                    if (r.premainMs >= 0) {
                        line.append(String.format(Locale.ROOT, " (premain %4.0f)", r.premainMs));
                    }
                }
                System.out.println(line.append(" | load ").append(loadAverage()));
            }
            System.out.printf(Locale.ROOT, "agent-startup: BenchApp (Tomcat + H2 + outgoing HTTP), launch to first 200 of GET /work;%n"
                            + "  %d rounds, one JVM at a time, order turning every round; heap %s; extra JVM args '%s'%n"
                            + "  agent: %s%n%s"
                            + "  load average before: %s, after: %s; %d cores%n",
                    RUNS, AgentOverheadBench.HEAP.isBlank() ? "JVM defaults" : AgentOverheadBench.HEAP, AgentOverheadBench.APP_JVM_ARGS,
                    jars.get(1), sides > 2 ? "  other: " + jars.get(2) + "\n" : "",
                    loadBefore, loadAverage(), Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "  %-34s %9s %9s %9s %9s %9s%n", "(ms)", "min", "p25", "median", "p75", "max");
            List<Start> plain = starts.get(0);
            for (int s = 0; s < sides; s++) {
                row("wall, " + names.get(s), starts.get(s).stream().map(Start::wallMs).toList());
            }
            for (int s = 1; s < sides; s++) {
                row("wall added, " + names.get(s) + " (per round)", diffs(starts.get(s), plain, Start::wallMs));
            }
            for (int s = 0; s < sides; s++) {
                row("CPU, " + names.get(s), starts.get(s).stream().map(Start::cpuMs).toList());
            }
            for (int s = 1; s < sides; s++) {
                row("CPU added, " + names.get(s) + " (per round)", diffs(starts.get(s), plain, Start::cpuMs));
            }
            for (int s = 1; s < sides; s++) {
                row("premain, " + names.get(s) + " (agent log)", starts.get(s).stream().map(Start::premainMs).filter(v -> v >= 0).toList());
            }
            System.out.printf(Locale.ROOT, "  collector received %d spans%n", collector.spans.get());
        } finally {
            BenchApps.stop(downstream);
        }
    }

    private static List<Double> diffs(List<Start> agent, List<Start> plain, java.util.function.ToDoubleFunction<Start> f) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < agent.size(); i++) {
            out.add(f.applyAsDouble(agent.get(i)) - f.applyAsDouble(plain.get(i)));
        }
        return out;
    }

    private static void row(String name, List<Double> values) {
        if (values.isEmpty()) {
            return;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-34s %9.0f %9.0f %9.0f %9.0f %9.0f  (%d)%n", name, v[0], quantile(v, 0.25), quantile(v, 0.5),
                quantile(v, 0.75), v[v.length - 1], v.length);
    }

    /** Linear interpolation between the closest ranks of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static Start start(Path agentJar, DropCollector collector, String downstream, String classes, int run) throws Exception {
        List<String> cp = new ArrayList<>(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"));
        cp.add(classes);
        int port = BenchApps.freePort();
        ForkedJvm.Builder b = ForkedJvm.builder().classpath(cp).main(BenchApp.class.getName(), String.valueOf(port), downstream)
                .fullJit();
        for (String arg : (AgentOverheadBench.HEAP + " " + AgentOverheadBench.APP_JVM_ARGS).trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                b.jvmArg(arg.replace("{mode}", agentJar != null ? "agent" : "baseline").replace("{round}", String.valueOf(run)));
            }
        }
        Path logDir = null;
        if (agentJar != null) {
            logDir = Files.createTempDirectory("sightline-startup-log");
            b.jvmArg("-javaagent:" + agentJar)
                    .property("sightline.applicationName", "bench")
                    .property("sightline.agentId", "startup-" + System.nanoTime())
                    .property("sightline.collector", collector.address())
                    .property("sightline.log.dir", logDir);
        }
        String url = "http://127.0.0.1:" + port + "/work?id=1";
        long t0 = System.nanoTime();
        ForkedJvm app = b.start();
        try {
            long wall = BenchApps.awaitFirst200(url, app, t0, Duration.ofSeconds(120));
            Duration cpu = app.process().info().totalCpuDuration().orElseThrow();
            double[] premain = {-1, -1, -1};
            app.close(); // SIGTERM and wait: the next start has the machine to itself
            if (logDir != null) {
                premain = premain(logDir);
            }
            return new Start(wall / 1e6, cpu.toNanos() / 1e6, premain[0], (int) premain[1], premain[2]);
        } finally {
            app.close();
        }
    }

    /** Premain milliseconds, types instrumented and their milliseconds from the agent's log line, or -1. */
    private static double[] premain(Path logDir) throws Exception {
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.toList()) {
                Matcher m = PREMAIN.matcher(Files.readString(f));
                if (m.find()) {
                    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
                }
            }
        }
        return new double[] {-1, -1, -1};
    }

    private static String loadAverage() {
        try {
            String[] v = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return v[0] + " " + v[1] + " " + v[2];
        } catch (Exception e) {
            return "?";
        }
    }
}
