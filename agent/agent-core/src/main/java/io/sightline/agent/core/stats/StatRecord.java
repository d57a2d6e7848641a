package io.sightline.agent.core.stats;

/** One JVM stats sample (see JvmStat in the protocol). */
public final class StatRecord {
    public long timestamp;
    public long interval;
    public long heapUsed;
    public long heapMax;
    public long nonHeapUsed;
    public long nonHeapMax;
    public long gcCount;
    public long gcTime;
    public double cpuProcess;
    public double cpuSystem;
    public int threads;
    public int activeRequests;
    public double tps;
    public double responseTimeAvg;
    public long droppedSpans;
    public long directBufferUsed;
    public int loadedClasses;
    /** Gauges of the connection pools that plugins (hikaricp) registered. */
    public PoolRecord[] pools = new PoolRecord[0];
}
