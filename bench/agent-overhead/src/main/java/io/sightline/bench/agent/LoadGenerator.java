package io.sightline.bench.agent;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load, in its own JVM so that it does not share a heap, a JIT or GC pauses with the
 * measured application (args: base URL, clients, warm-up requests, measured requests). Closed
 * loop: each client sends the next request when the previous answer is read (keep-alive). Prints
 * one line: {@code RESULT <req/s> <p50 us> <p99 us> <request-thread bytes> <all-thread bytes>
 * <heap after GC> <requests> <process CPU ns> <request-thread CPU ns> <agent-thread CPU ns>
 * <JIT ms> <GCs> <GC ms>}, every figure but the heap being what the application spent during
 * the measured part.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int measured = Integer.parseInt(args[3]);
        load(base, clients, new long[warmup]);
        long[] before = stats(base, false);
        long[] latencies = new long[measured];
        long start = System.nanoTime();
        load(base, clients, latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] after = stats(base, true);
        Arrays.sort(latencies);
        StringBuilder cpu = new StringBuilder();
        for (int i = 3; i < after.length; i++) {
            cpu.append(' ').append(after[i] - before[i]);
        }
        System.out.printf("RESULT %.1f %d %d %d %d %d %d%s%n", measured / seconds,
                latencies[measured / 2] / 1000, latencies[measured * 99 / 100] / 1000,
                after[0] - before[0], after[1] - before[1], after[2], measured, cpu);
        System.out.flush();
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
