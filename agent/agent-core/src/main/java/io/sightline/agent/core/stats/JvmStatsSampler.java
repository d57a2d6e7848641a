package io.sightline.agent.core.stats;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;

import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;

/**
 * Takes a JVM stats sample every interval: memory, GC per interval, CPU, threads and the
 * request figures of the interval. Runs on the agent's own daemon thread.
 */
public final class JvmStatsSampler {
    private final TransactionStats transactions;
    private final Backlog<?> spans;
    private final PoolGauges pools;
    private long lastGcCount = -1;
    private long lastGcTime;
    private long lastTime;

    public JvmStatsSampler(TransactionStats transactions, Backlog<?> spans) {
        this(transactions, spans, null);
    }

    /** @param pools connection pools to sample with the JVM, or null */
    public JvmStatsSampler(TransactionStats transactions, Backlog<?> spans, PoolGauges pools) {
        this.transactions = transactions;
        this.spans = spans;
        this.pools = pools;
        this.lastTime = System.currentTimeMillis();
        sampleGc(new long[2]);
        transactions.takeInterval();
    }

    /** A sample of the interval since the previous call. */
    public StatRecord sample() {
        StatRecord s = new StatRecord();
        long now = System.currentTimeMillis();
        s.timestamp = now;
        s.interval = Math.max(1, now - lastTime);
        lastTime = now;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        s.heapUsed = heap.getUsed();
        s.heapMax = heap.getMax();
        s.nonHeapUsed = nonHeap.getUsed();
        s.nonHeapMax = nonHeap.getMax();
        long[] gc = new long[2];
        sampleGc(gc);
        s.gcCount = gc[0];
        s.gcTime = gc[1];
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            s.cpuProcess = fraction(sun.getProcessCpuLoad());
            s.cpuSystem = fraction(sun.getSystemCpuLoad());
        }
        s.threads = ManagementFactory.getThreadMXBean().getThreadCount();
        s.loadedClasses = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                s.directBufferUsed = pool.getMemoryUsed();
            }
        }
        s.activeRequests = transactions.activeCount();
        long[] tx = transactions.takeInterval();
        s.tps = tx[0] * 1000.0 / s.interval;
        s.responseTimeAvg = tx[0] == 0 ? 0 : (double) tx[1] / tx[0];
        s.droppedSpans = spans.dropped();
        if (pools != null) {
            s.pools = pools.sample();
        }
        return s;
    }

    private void sampleGc(long[] out) {
        long count = 0;
        long time = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            time += Math.max(0, gc.getCollectionTime());
        }
        if (lastGcCount >= 0) {
            out[0] = Math.max(0, count - lastGcCount);
            out[1] = Math.max(0, time - lastGcTime);
        }
        lastGcCount = count;
        lastGcTime = time;
    }

    private static double fraction(double v) {
        return v < 0 || Double.isNaN(v) ? 0 : Math.min(1, v);
    }
}
