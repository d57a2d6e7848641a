package io.sightline.agent.core.stats;

/** One connection pool's gauges at sample time (see PoolStat in the protocol). */
public final class PoolRecord {
    public final String name;
    public final int active;
    public final int idle;
    public final int max;
    public final int pending;

    public PoolRecord(String name, int active, int idle, int max, int pending) {
        this.name = name;
        this.active = active;
        this.idle = idle;
        this.max = max;
        this.pending = pending;
    }
}
