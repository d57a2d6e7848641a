package io.sightline.agent.core.trace;

/**
 * Wall-clock time in microseconds: the millisecond clock refined by nanoTime, re-anchored when
 * the two drift apart by more than 2 ms (clock adjustments, long uptimes).
 */
public final class MicroClock {
    private volatile long baseMicros;
    private volatile long baseNanos;

    public MicroClock() {
        anchor();
    }

    private void anchor() {
        baseNanos = System.nanoTime();
        baseMicros = System.currentTimeMillis() * 1000L;
    }

    /** Epoch microseconds for the given nanoTime reading. */
    public long micros(long nanoTime) {
        long derived = baseMicros + (nanoTime - baseNanos) / 1000L;
        long wall = System.currentTimeMillis() * 1000L;
        if (Math.abs(derived - wall) > 2000L) {
            anchor();
            return wall;
        }
        return derived;
    }
}
