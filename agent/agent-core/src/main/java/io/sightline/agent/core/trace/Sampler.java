package io.sightline.agent.core.trace;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether a new trace (one that no caller started) is recorded: one in {@code rate},
 * and at most {@code maxPerSecond} per second when that cap is set (0 = no cap, the default).
 */
public final class Sampler {
    private final int rate;
    private final int maxPerSecond;
    private final AtomicLong counter = new AtomicLong();
    private long second;
    private int inSecond;

    public Sampler(int rate, int maxPerSecond) {
        this.rate = Math.max(1, rate);
        this.maxPerSecond = Math.max(0, maxPerSecond);
    }

    public boolean sampleNew(long nowMillis) {
        if (rate > 1 && (counter.getAndIncrement() % rate) != 0) {
            return false;
        }
        if (maxPerSecond == 0) {
            return true;
        }
        synchronized (this) {
            long s = nowMillis / 1000;
            if (s != second) {
                second = s;
                inSecond = 0;
            }
            if (inSecond >= maxPerSecond) {
                return false;
            }
            inSecond++;
            return true;
        }
    }
}
