package io.sightline.bench.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of a process's live threads, grouped by thread name with digits
 * folded, read from /proc (Linux): where a phase's CPU went, kernel time of the sockets and the
 * log syncs included, which a sampling profiler does not see. Threads that end during a phase
 * take their time with them; the report shows that remainder apart.
 */
final class ThreadCpu {
    private static final double TICK_NS = 1e9 / 100; // USER_HZ, 100 on Linux

    private final Map<Long, Long> ticksByTid;
    private final Map<Long, String> groupByTid;

    private ThreadCpu(Map<Long, Long> ticksByTid, Map<Long, String> groupByTid) {
        this.ticksByTid = ticksByTid;
        this.groupByTid = groupByTid;
    }

    static ThreadCpu of(long pid) {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> groups = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> s = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "tid (name) state ...": the name may hold spaces and parentheses
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    long tid = Long.parseLong(t.getFileName().toString());
                    ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    groups.put(tid, stat.substring(open + 1, close).replaceAll("[0-9]+", "N"));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone: an empty report
        }
        return new ThreadCpu(ticks, groups);
    }

    /** Nanoseconds the threads whose group starts with {@code prefix} took since {@code before} (live threads only). */
    long nanosSince(ThreadCpu before, String prefix) {
        long d = 0;
        for (Map.Entry<Long, Long> e : ticksByTid.entrySet()) {
            if (groupByTid.get(e.getKey()).startsWith(prefix)) {
                d += Math.max(0, e.getValue() - before.ticksByTid.getOrDefault(e.getKey(), 0L));
            }
        }
        return (long) (d * TICK_NS);
    }

    /** Microseconds per span of each thread group since {@code before}, largest first, plus what ended threads took. */
    String report(ThreadCpu before, long totalNanos, long spans, int top) {
        Map<String, Long> byGroup = new HashMap<>();
        long sum = 0;
        for (Map.Entry<Long, Long> e : ticksByTid.entrySet()) {
            long d = e.getValue() - before.ticksByTid.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                byGroup.merge(groupByTid.get(e.getKey()), d, Long::sum);
                sum += d;
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            sb.append(String.format(Locale.ROOT, "%s %.1f, ", sorted.get(i).getKey(), sorted.get(i).getValue() * TICK_NS / 1e3 / spans));
        }
        sb.append(String.format(Locale.ROOT, "ended threads %.1f", Math.max(0, totalNanos - sum * TICK_NS) / 1e3 / spans));
        return sb.toString();
    }
}
