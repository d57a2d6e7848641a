package io.sightline.bench.hotpath;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import io.sightline.agent.core.util.WeakIdentityMap;

/**
 * The tracer's weak side tables as a request thread uses them: a put of a new key (a statement,
 * a task) while 10,000 earlier keys are in, and the removal of the oldest (the statement closed,
 * the task run), so the map stays at its size (left to the collector, dead keys would fill it to
 * its cap between collections and the puts would measure refusals). One map shared by all
 * benchmark threads; {@code twoThreads} works from two at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WeakMapPut {
    private static final int LIVE = 10_000;

    private WeakIdentityMap<Object, Object> map;

    @Setup(Level.Trial)
    public void setUp() {
        map = new WeakIdentityMap<Object, Object>(100_000);
    }

    /** The keys a thread keeps alive, oldest overwritten first. */
    @State(Scope.Thread)
    public static class Keys {
        final Object[] live = new Object[LIVE / 2];
        int next;
    }

    @Benchmark
    @Threads(1)
    public boolean oneThread(Keys k) {
        return put(k);
    }

    @Benchmark
    @Threads(2)
    public boolean twoThreads(Keys k) {
        return put(k);
    }

    private boolean put(Keys k) {
        Object key = new Object();
        Object oldest = k.live[k.next];
        if (oldest != null) {
            map.remove(oldest);
        }
        k.live[k.next] = key;
        k.next = (k.next + 1) % k.live.length;
        return map.put(key, key);
    }
}
