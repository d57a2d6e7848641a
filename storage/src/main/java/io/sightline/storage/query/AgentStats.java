package io.sightline.storage.query;

import java.util.List;

/**
 * JVM statistics of one agent, as parallel arrays (one element per sample, oldest first).
 * CPU figures are fractions 0..1; gcCount and gcTime are per interval; tps is per second.
 */
public record AgentStats(List<Long> timestamps, List<Long> heapUsed, List<Long> heapMax,
                         List<Long> nonHeapUsed, List<Long> gcCount, List<Long> gcTime,
                         List<Double> cpuProcess, List<Double> cpuSystem, List<Integer> threads,
                         List<Integer> activeRequests, List<Double> tps, List<Double> responseTimeAvg,
                         List<Pool> pools) {

    /** A connection pool's gauges over the same timestamps. */
    public record Pool(String name, List<Integer> active, List<Integer> idle, List<Integer> max,
                       List<Integer> pending) {
    }
}
