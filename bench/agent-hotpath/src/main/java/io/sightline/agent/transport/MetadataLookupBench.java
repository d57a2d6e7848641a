package io.sightline.agent.transport;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.sightline.protocol.v1.MetadataEntry;

/**
 * The metadata lookups of one span of bench/agent-overhead's shape (four API texts, two SQL
 * texts, the same String objects every time, as the tracer's caches hand them out), among a few
 * hundred texts known, all acknowledged.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetadataLookupBench {
    private MetadataTracker tracker;
    private final String[] apis = {"PreparedStatement.executeQuery", "Async Runnable", "PreparedStatement.executeQuery",
            "HttpURLConnection GET"};
    private final String[] sqls = {"select name from items where id = ?", "select name from items where id = ?"};

    @Setup
    public void setUp() {
        tracker = new MetadataTracker(50_000);
        for (int i = 0; i < 300; i++) {
            tracker.acknowledge(tracker.textOf(MetadataEntry.Kind.SQL, "select c" + i + " from t where id = ?"));
            tracker.acknowledge(tracker.textOf(MetadataEntry.Kind.API, "Api.method" + i));
        }
        for (String a : apis) {
            tracker.acknowledge(tracker.textOf(MetadataEntry.Kind.API, a));
        }
        for (String s : sqls) {
            tracker.acknowledge(tracker.textOf(MetadataEntry.Kind.SQL, s));
        }
    }

    @Benchmark
    public long lookupsOfOneSpan() {
        long sum = 0;
        for (String a : apis) {
            sum += tracker.textOf(MetadataEntry.Kind.API, a).id;
        }
        for (String s : sqls) {
            sum += tracker.textOf(MetadataEntry.Kind.SQL, s).id;
        }
        return sum;
    }
}
