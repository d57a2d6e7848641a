package io.sightline.bench.agent;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load, in its own JVM so that it does not share a heap, a JIT or GC pauses with the
 * measured applications (args: clients, warm-up requests, measured requests per slice, slices,
 * at most how many extra warm-up chunks until the JIT has settled ({@link #settle}), the URL
 * answering the bench JVM's CPU time, the fixed rate and its requests per slice, then {@code label=baseURL} for each application). Closed loop: each client sends the next
 * request when the previous answer is read (keep-alive).
 *
 * <p>Every application is warmed up first, then the measured part is cut into slices that
 * alternate between the applications (A B, B A, A B...): whatever else the machine does drifts
 * over seconds, and alternating short slices lets both sides share that drift instead of one
 * side getting a quiet minute and the other a busy one. The application not being measured is
 * idle meanwhile.
 *
 * <p>Prints one line per slice, {@code SLICE <label> <slice> <req/s> <p50 us> <p99 us> <process
 * CPU ns> <agent-thread CPU ns> <JIT ms>}, then per application {@code RESULT <label> <req/s>
 * <p50 us> <p99 us> <request-thread bytes> <all-thread bytes> <heap after GC> <requests>
 * <process CPU ns> <request-thread CPU ns> <agent-thread CPU ns> <JIT ms> <GCs> <GC ms>
 * <request-thread user-mode CPU ns> <bench JVM CPU ns>} over all
 * its slices (every figure but the heap being what the application spent while measured; the
 * /stats calls between slices are left out), and {@code DONE}.
 *
 * <p>With a rate (args 7 and 8: requests per second, requests per slice; 0 for none), a second
 * measured part follows at a fixed rate ({@link #paced}), in as many alternating slices:
 * {@code PACED <label> <slice> <p50> <p90> <p99> <p99.9> <max>} (us) per slice and
 * {@code PACEDRESULT <label> <p50> <p90> <p99> <p99.9> <max>} over all of an application's.
 *
 * <p>After every slice of either part, the application's own service time of that slice
 * ({@link BenchApp.ServiceTimer}): {@code SERVICE <label> <saturated|paced> <slice> <count> <p50>
 * <p90> <p99> <p99.9> <max>} (us).
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    /** One application's measured part so far. */
    private static final class Target {
        final String label;
        final String base;
        long[] spent;
        long nanos;
        final List<long[]> latencies = new ArrayList<>();
        /** Latencies (ns) of the fixed-rate slices. */
        final List<long[]> paced = new ArrayList<>();

        Target(String spec) {
            int eq = spec.indexOf('=');
            label = spec.substring(0, eq);
            base = spec.substring(eq + 1);
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        int slices = Integer.parseInt(args[3]);
        int settle = Integer.parseInt(args[4]);
        String benchCpu = args[5];
        int rate = Integer.parseInt(args[6]);
        int rateRequests = Integer.parseInt(args[7]);
        // the fixed-rate phase uses up to RATE_CLIENTS connections per application: keep them all alive
        System.setProperty("http.maxConnections", String.valueOf(RATE_CLIENTS + 2));
        List<Target> targets = new ArrayList<>();
        for (int i = 8; i < args.length; i++) {
            targets.add(new Target(args[i]));
        }
        for (Target t : targets) {
            load(t.base, clients, new long[warmup]);
        }
        for (Target t : targets) {
            // what survived the warm-up (start-up objects, caches, the agent's transport) is old
            // in an application that has run for a while; without this, each young GC of the
            // measured part still copied it (6.6 MB without the agent, 7.9 + 2.6 MB with it, at
            // ages 7 to 10 of 15 in a run with 30,000 warm-up requests) and scanned the compiled
            // code that points at it (G1's code root scan: 3 to 30 ms per young GC, 0.1 after).
            // Before the settle chunks: a full GC unloads classes, which may send compiled code
            // back to the JIT.
            stats(t.base, true);
        }
        settle(targets, clients, measured, settle, benchCpu, rate);
        for (Target t : targets) {
            get(t.base + "/stats?jfr=start"); // a no-op unless the application was started with -Dbench.jfr
        }
        for (int slice = 0; slice < slices; slice++) {
            for (int k = 0; k < targets.size(); k++) {
                // ABBA over the slices, as the rounds are over JVM starts
                Target t = targets.get(slice % 2 == 0 ? k : targets.size() - 1 - k);
                long[] latencies = new long[measured];
                Slice s = saturatedSlice(t, clients, latencies, benchCpu);
                System.out.printf("SERVICE %s saturated %d %s%n", t.label, slice + 1, s.service);
                if (!s.self.equals("off")) {
                    System.out.printf("SELF %s %d %s%n", t.label, slice + 1, s.self);
                }
                long[] spent = s.spent;
                t.spent = t.spent == null ? spent : add(t.spent, spent);
                t.nanos += s.nanos;
                t.latencies.add(latencies);
                Arrays.sort(latencies);
                System.out.printf("SLICE %s %d %.1f %d %d %d %d %d%n", t.label, slice + 1, measured / (s.nanos / 1e9),
                        latencies[measured / 2] / 1000, latencies[measured * 99 / 100] / 1000, spent[3], spent[5], spent[6]);
                System.out.flush();
            }
        }
        if (rate > 0 && rateRequests > 0) {
            for (int slice = 0; slice < slices; slice++) {
                for (int k = 0; k < targets.size(); k++) {
                    Target t = targets.get(slice % 2 == 0 ? k : targets.size() - 1 - k);
                    get(t.base + "/stats?service=take");
                    long[] latencies = paced(t.base, rate, rateRequests);
                    System.out.printf("SERVICE %s paced %d %s%n", t.label, slice + 1, get(t.base + "/stats?service=take").trim());
                    t.paced.add(latencies.clone());
                    Arrays.sort(latencies);
                    System.out.printf("PACED %s %d%s%n", t.label, slice + 1, percentiles(latencies));
                    System.out.flush();
                }
            }
        }
        for (Target t : targets) {
            get(t.base + "/stats?jfr=stop");
        }
        for (Target t : targets) {
            long heap = stats(t.base, true)[2];
            long[] all = new long[measured * slices];
            for (int i = 0; i < slices; i++) {
                System.arraycopy(t.latencies.get(i), 0, all, i * measured, measured);
            }
            Arrays.sort(all);
            int n = all.length;
            StringBuilder cpu = new StringBuilder();
            for (int i = 3; i < t.spent.length; i++) {
                cpu.append(' ').append(t.spent[i]);
            }
            System.out.printf("RESULT %s %.1f %d %d %d %d %d %d%s%n", t.label, n / (t.nanos / 1e9),
                    all[n / 2] / 1000, all[n * 99 / 100] / 1000, t.spent[0], t.spent[1], heap, n, cpu);
            if (!t.paced.isEmpty()) {
                long[] paced = t.paced.stream().flatMapToLong(Arrays::stream).sorted().toArray();
                System.out.printf("PACEDRESULT %s%s%n", t.label, percentiles(paced));
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }

    /** What one saturated slice cost the application, and its control answers. */
    private static final class Slice {
        /** The /stats figures after minus before, then the bench JVM's CPU (ns) over the slice. */
        long[] spent;
        long nanos;
        String service;
        String self;
    }

    /**
     * One saturated slice, {@code latencies.length} requests, with the control requests around it
     * that every measured slice makes: the service-time and self-time counts taken afresh, the
     * stats and the bench JVM's CPU before and after. Settle chunks run exactly this too, so the
     * measured slices are never the first to see a request of these shapes.
     */
    private static Slice saturatedSlice(Target t, int clients, long[] latencies, String benchCpu) throws Exception {
        get(t.base + "/stats?service=take"); // starts the application's service-time count afresh
        get(t.base + "/stats?self=take"); // and the agent's own time, when it is timed
        long[] before = stats(t.base, false);
        long benchBefore = Long.parseLong(get(benchCpu).trim());
        long start = System.nanoTime();
        load(t.base, clients, latencies);
        Slice s = new Slice();
        s.nanos = System.nanoTime() - start;
        long benchAfter = Long.parseLong(get(benchCpu).trim());
        long[] after = stats(t.base, false);
        s.service = get(t.base + "/stats?service=take").trim();
        s.self = get(t.base + "/stats?self=take").trim();
        s.spent = new long[after.length + 1];
        for (int i = 0; i < after.length; i++) {
            s.spent[i] = after[i] - before[i];
        }
        s.spent[after.length] = benchAfter - benchBefore;
        return s;
    }

    /** JIT time per request (us) under which a settle chunk counts as quiet (bench.settleJit). */
    static final double SETTLE_JIT_US = Double.parseDouble(System.getProperty("bench.settleJit", "2"));

    /**
     * More warm-up, a slice's worth at a time and alternating, for each application whose JIT is
     * still busy, at most {@code maxChunks} chunks each. A chunk is quiet when its compilation
     * time is at most {@link #SETTLE_JIT_US} per request; an application is settled after two
     * quiet chunks in a row. Prints {@code SETTLE <label> <chunk> <JIT us per request>} per chunk.
     *
     * <p>Each chunk is a rehearsal of a measured slice: {@link #saturatedSlice} itself, so the same
     * control requests around the same load (service-time and self-time takes, the stats before
     * and after, the bench JVM's CPU), after one profiler request that does nothing, and, with a
     * rate, a short paced run. Without them the first
     * measured slice was the first time the application saw those requests, and on this machine
     * that cost a second of JIT inside it: the new request shapes took uncommon traps in the
     * request path's C2 code (Tomcat's request-line and parameter parsing, the mapper, the wrapper
     * valve), which was made not entrant and compiled again, 30 to 110 us per request of JIT in
     * that slice, on both sides, far more than the agent's own cost being measured.
     */
    private static void settle(List<Target> targets, int clients, int chunk, int maxChunks, String benchCpu, int rate)
            throws Exception {
        List<Target> busy = new ArrayList<>(targets);
        int[] quiet = new int[targets.size()];
        for (Target t : targets) {
            get(t.base + "/stats?jfr=rehearse"); // the profiler switch's path, with nothing to switch
        }
        for (int c = 1; c <= maxChunks && !busy.isEmpty(); c++) {
            for (Target t : new ArrayList<>(busy)) {
                long jitMillis = saturatedSlice(t, clients, new long[chunk], benchCpu).spent[6];
                if (rate > 0) {
                    paced(t.base, rate, Math.max(100, rate / 2));
                    get(t.base + "/stats?service=take");
                }
                double perRequest = jitMillis * 1e3 / chunk;
                System.out.printf("SETTLE %s %d %.1f%n", t.label, c, perRequest);
                int i = targets.indexOf(t);
                quiet[i] = perRequest <= SETTLE_JIT_US ? quiet[i] + 1 : 0;
                if (quiet[i] >= 2) {
                    busy.remove(t);
                }
            }
        }
    }

    /** Client threads of the fixed-rate phase: enough for the requests that a pause holds up. */
    static final int RATE_CLIENTS = 8;

    /** " p50 p90 p99 p99.9 max" in microseconds, of sorted latencies in nanoseconds. */
    static String percentiles(long[] sorted) {
        int n = sorted.length;
        return String.format(" %d %d %d %d %d", sorted[n / 2] / 1000, sorted[n * 90 / 100] / 1000, sorted[n * 99 / 100] / 1000,
                sorted[(int) (n * 999L / 1000)] / 1000, sorted[n - 1] / 1000);
    }

    /**
     * Open loop: {@code count} requests sent at {@code rate} per second whatever the answers do,
     * by a pacer handing each one at its time to {@link #RATE_CLIENTS} client threads. Each
     * latency runs from the request's planned start, not from when a client got to it, so a
     * request held up behind a slow one counts its wait (no coordinated omission). Well under
     * the application's capacity, this measures what one request costs rather than how the
     * machine's two cores queue saturating load.
     */
    static long[] paced(String base, int rate, int count) throws Exception {
        long[] latencies = new long[count];
        long[] planned = new long[count];
        java.util.concurrent.BlockingQueue<Integer> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        Throwable[] failure = new Throwable[1];
        Thread[] clients = new Thread[RATE_CLIENTS];
        for (int c = 0; c < clients.length; c++) {
            clients[c] = new Thread(() -> {
                try {
                    for (int i; (i = queue.take()) >= 0; ) {
                        get(base + "/work?id=" + (i % 100));
                        latencies[i] = System.nanoTime() - planned[i];
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            clients[c].start();
        }
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < count && failure[0] == null; i++) {
            planned[i] = start + i * interval;
            long wait;
            while ((wait = planned[i] - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            queue.add(i);
        }
        for (int c = 0; c < clients.length; c++) {
            queue.add(-1);
        }
        for (Thread c : clients) {
            c.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        return latencies;
    }

    private static long[] add(long[] a, long[] b) {
        long[] sum = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private static long[] stats(String base, boolean gc) throws Exception {
        String text = get(base + "/stats" + (gc ? "?gc=1" : ""));
        String[] parts = text.trim().split(" ");
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Long.parseLong(parts[i]);
        }
        return v;
    }

    private static void load(String base, int clients, long[] latencies) throws Exception {
        int count = latencies.length;
        AtomicInteger next = new AtomicInteger();
        Thread[] threads = new Thread[clients];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < clients; t++) {
            threads[t] = new Thread(() -> {
                int i;
                try {
                    while ((i = next.getAndIncrement()) < count) {
                        long s = System.nanoTime();
                        get(base + "/work?id=" + (i % 100));
                        latencies[i] = System.nanoTime() - s;
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                    next.set(count);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
    }

    static String get(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (c.getResponseCode() != 200) {
            throw new IllegalStateException(url + " answered " + c.getResponseCode());
        }
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes());
        }
    }
}
