package io.sightline.bench.storage;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sightline.collector.Collector;
import io.sightline.collector.CollectorConfig;
import io.sightline.collector.CollectorMetrics;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.schema.Tables;
import io.sightline.hbase.standalone.EmbeddedHBase;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.MapStatsAggregator;
import io.sightline.storage.write.SpanStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.CompactionState;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;

/**
 * Storage benchmarks on a real embedded HBase. Every figure is printed with a ratio against a
 * baseline measured in the same run on the same HBase:
 * <ul>
 * <li>ingest spans/s through gRPC with 1 and 2 collectors vs raw HBase puts of the same span bytes;</li>
 * <li>query timings on N transactions in one hour (scatter first 10,000, call tree, server map
 * 1 h / 1 day) vs a raw HBase get/scan of the same size;</li>
 * <li>bytes on disk per transaction after flush + major compaction vs the raw protobuf size.</li>
 * </ul>
 */
public final class StorageBench {
    /** Concurrent senders (agents) in the ingest part and writer threads in the load; -Dbench.threads. */
    private static final int THREADS = Integer.getInteger("bench.threads", 4);
    /** Senders flag each batch's first attempt, as the agent does (false: as older agents, every span checked). */
    private static final boolean FIRST_ATTEMPT = Boolean.parseBoolean(System.getProperty("bench.firstAttempt", "true"));
    private static final int BATCH = 100;
    private static final int REGIONS = Integer.getInteger("bench.regions", 2);
    /** The embedded HBase child, whose CPU time is counted per span beside this JVM's. */
    private static long hbasePid;

    public static void main(String[] args) throws Exception {
        int transactions = Integer.getInteger("bench.transactions", 1_000_000);
        int ingestSpans = Integer.getInteger("bench.ingestSpans", 200_000);
        Path dir = Files.createTempDirectory("sightline-storage-bench");
        EmbeddedHBase hbase = EmbeddedHBase.start(dir, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults().withMaxHeap("1g"));
        hbasePid = hbase.pid();
        try (Connection c = HBaseConnections.connect(hbase.quorum())) {
            int regions = REGIONS;
            SchemaTool.apply(c, 14, regions, false, l -> { });
            System.out.printf(Locale.ROOT, "== Sightline storage bench: %,d transactions for queries, %,d spans for ingest, %d cores, %d regions per big table%n",
                    transactions, ingestSpans, Runtime.getRuntime().availableProcessors(), regions);
            System.out.printf(Locale.ROOT, "%d concurrent senders / writers; batches flagged first attempt: %s%n", THREADS, FIRST_ATTEMPT);
            // queries first, so that the bytes on disk count only their transactions
            if (transactions > 0) {
                queries(c, dir, transactions);
            }
            if (ingestSpans > 0) {
                ingest(c, ingestSpans);
            }
        } finally {
            hbase.stop();
            if (!Boolean.getBoolean("bench.keep")) {
                HBaseTestCluster.deleteRecursively(dir);
            } else {
                System.out.println("kept " + dir);
            }
        }
    }

    // ------------------------------------------------------------------ ingest

    private static void ingest(Connection c, int spans) throws Exception {
        // the collector path (gRPC server, ingest, group commit, map) is cold until now: without a
        // warm-up, the first measured phase also pays the JIT compiling it (C2 threads were a
        // quarter of this JVM's CPU in that phase), which a long-running collector pays once
        int warmup = Integer.getInteger("bench.warmupSpans", -1);
        if (warmup < 0) {
            warmup = spans / 5;
        }
        if (warmup > 0) {
            long w0 = System.nanoTime();
            throughCollectors(c, batches("bench-warmup", warmup, 4), 1);
            System.out.printf(Locale.ROOT, "ingest warm-up: %,d spans through one collector, untimed (%.1f s)%n", warmup, seconds(w0));
        } else {
            System.out.printf(Locale.ROOT, "ingest warm-up: none (the first collector phase includes JIT compilation)%n");
        }
        List<List<Span>> batches = batches("bench-raw", spans, 1);
        Cpu cpuRaw = Cpu.now();
        double raw = rawPuts(c, batches);
        cpuRaw = cpuRaw.since();
        // the same through one collector with no batch flagged as a first attempt (older agents):
        // every span's index row is checked first; measured next to the flagged phase, under the same load
        List<List<Span>> batches0 = batches("bench-ingest-0", spans, 5);
        Cpu cpuChecked = Cpu.now();
        double checked = throughCollectors(c, batches0, 1, false);
        cpuChecked = cpuChecked.since();
        batches0 = null;
        List<List<Span>> batches1 = batches("bench-ingest-1", spans, 2);
        Cpu cpuOne = Cpu.now();
        double one = throughCollectors(c, batches1, 1);
        cpuOne = cpuOne.since();
        batches1 = null;
        List<List<Span>> batches2 = batches("bench-ingest-2", spans, 3);
        Cpu cpuTwo = Cpu.now();
        double two = throughCollectors(c, batches2, 2);
        cpuTwo = cpuTwo.since();
        int avgBytes = (int) (batches.stream().flatMap(List::stream).mapToLong(Span::getSerializedSize).sum() / spans);
        System.out.printf(Locale.ROOT, "ingest baseline  raw HBase puts of the span bytes: %,10.0f spans/s (avg span %d bytes, 10 events)%n",
                raw, avgBytes);
        System.out.printf(Locale.ROOT, "ingest 1 collector (gRPC, idempotent store, index, map): %,10.0f spans/s  ratio vs raw %.2f%n",
                one, one / raw);
        System.out.printf(Locale.ROOT, "ingest 1 collector, every span checked (unflagged):       %,10.0f spans/s  ratio vs raw %.2f%n",
                checked, checked / raw);
        System.out.printf(Locale.ROOT, "ingest 2 collectors:                                      %,10.0f spans/s  ratio vs raw %.2f, vs 1 collector %.2f%n",
                two, two / raw, two / one);
        System.out.printf(Locale.ROOT, "CPU per span (us), bench JVM [senders + collectors] + HBase child:%n");
        System.out.printf(Locale.ROOT, "  raw puts      %7.1f + %7.1f = %7.1f%n", cpuRaw.jvmUs(spans), cpuRaw.hbaseUs(spans), cpuRaw.totalUs(spans));
        System.out.printf(Locale.ROOT, "  1 collector   %7.1f + %7.1f = %7.1f  ratio vs raw %.2f%n", cpuOne.jvmUs(spans), cpuOne.hbaseUs(spans),
                cpuOne.totalUs(spans), cpuOne.totalUs(spans) / cpuRaw.totalUs(spans));
        System.out.printf(Locale.ROOT, "  1 coll. chk.  %7.1f + %7.1f = %7.1f  ratio vs raw %.2f%n", cpuChecked.jvmUs(spans), cpuChecked.hbaseUs(spans),
                cpuChecked.totalUs(spans), cpuChecked.totalUs(spans) / cpuRaw.totalUs(spans));
        System.out.printf(Locale.ROOT, "  2 collectors  %7.1f + %7.1f = %7.1f  ratio vs raw %.2f%n", cpuTwo.jvmUs(spans), cpuTwo.hbaseUs(spans),
                cpuTwo.totalUs(spans), cpuTwo.totalUs(spans) / cpuRaw.totalUs(spans));
        HBaseQueries q = new HBaseQueries(c);
        for (String app : List.of("bench-ingest-0", "bench-ingest-1", "bench-ingest-2")) {
            ServerMap m = q.serverMap(app, 0, Long.MAX_VALUE / 2);
            long users = m.links().stream().filter(l -> l.from().equals("USER^USER")).mapToLong(ServerMap.Link::totalCount).sum();
            System.out.printf(Locale.ROOT, "map check %-15s USER->app total %,d (sent %,d) %s%n", app, users, spans,
                    users == spans ? "OK" : "MISMATCH");
        }
        q.close();
    }

    private static List<List<Span>> batches(String app, int spans, long seed) {
        SpanFactory f = new SpanFactory(seed);
        long now = System.currentTimeMillis();
        List<List<Span>> out = new ArrayList<>();
        List<Span> cur = new ArrayList<>(BATCH);
        for (int i = 0; i < spans; i++) {
            cur.add(f.span(app, app + "-" + (i % 4), now - (spans - i)));
            if (cur.size() == BATCH) {
                out.add(cur);
                cur = new ArrayList<>(BATCH);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static double rawPuts(Connection c, List<List<Span>> batches) throws Exception {
        TableName raw = TableName.valueOf(Tables.NAMESPACE, "bench_raw");
        try (Admin admin = c.getAdmin()) {
            admin.createTable(TableDescriptorBuilder.newBuilder(raw)
                    .setColumnFamily(Tables.all(14).get(1).getColumnFamilies()[0]).build(), Tables.splitKeys(Tables.TRACES, REGIONS));
        }
        long t0 = System.nanoTime();
        parallel(batches, batch -> {
            List<Put> puts = new ArrayList<>(batch.size());
            for (Span s : batch) {
                puts.add(new Put(s.getTraceId().toByteArray()).addColumn(Tables.TRACES_CF,
                        io.sightline.hbase.schema.RowKeys.spanQualifier(s.getAgentId(), s.getSpanId()), s.toByteArray()));
            }
            try (Table t = c.getTable(raw)) {
                t.put(puts);
            }
        });
        return count(batches) / seconds(t0);
    }

    private static double throughCollectors(Connection c, List<List<Span>> batches, int n) throws Exception {
        return throughCollectors(c, batches, n, FIRST_ATTEMPT);
    }

    private static double throughCollectors(Connection c, List<List<Span>> batches, int n, boolean firstAttempt) throws Exception {
        List<Collector> collectors = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Collector col = new Collector(c, CollectorConfig.defaults().withPort(0).withFlushInterval(Duration.ofSeconds(5)),
                    new CollectorMetrics()).start();
            collectors.add(col);
        }
        for (int i = 0; i < THREADS; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", collectors.get(i % n).port()).usePlaintext().build());
        }
        List<MetadataEntry> metadata = SpanFactory.metadata();
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SpanServiceGrpc.SpanServiceBlockingStub stub = SpanServiceGrpc.newBlockingStub(channels.get(t));
            fs.add(pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < batches.size(); ) {
                    List<Span> b = batches.get((int) i);
                    SpanBatch.Builder sb = SpanBatch.newBuilder().setAgent(AgentRef.newBuilder()
                            .setAgentId(b.get(0).getAgentId()).setApplicationName(b.get(0).getApplicationName())).addAllSpans(b);
                    if (i < THREADS) {
                        sb.addAllMetadata(metadata);
                    }
                    sb.setFirstAttempt(firstAttempt);
                    while (true) {
                        try {
                            stub.send(sb.build());
                            break;
                        } catch (io.grpc.StatusRuntimeException e) {
                            sb.setFirstAttempt(false); // a resend, as the agent's
                            Thread.sleep(50); // busy: the agent would retry too
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double rate = count(batches) / seconds(t0);
        pool.shutdown();
        channels.forEach(ManagedChannel::shutdownNow);
        for (Collector col : collectors) {
            col.stop(Duration.ofSeconds(10));
        }
        return rate;
    }

    // ------------------------------------------------------------------ queries

    private static void queries(Connection c, Path dir, int transactions) throws Exception {
        String app = "bench-query";
        long t0 = 1_700_000_000_000L;
        long hour = 3_600_000L;
        SpanStore store = new SpanStore(c);
        MapStatsAggregator map = new MapStatsAggregator(c);
        io.sightline.storage.write.ScatterDensityWriter density = new io.sightline.storage.write.ScatterDensityWriter(c);
        store.storeMetadata(SpanFactory.metadata());
        int batchCount = (transactions + 499) / 500;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < batchCount; i++) {
            ids.add(i);
        }
        List<String> sample = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong rawBytes = new AtomicLong();
        long w0 = System.nanoTime();
        parallel(List.of(ids.toArray(new Integer[0])), b -> {
            SpanFactory f = new SpanFactory(1000 + b);
            List<Span> spans = new ArrayList<>(500);
            for (int i = b * 500; i < Math.min(transactions, (b + 1) * 500); i++) {
                // spread over the hour, deterministic
                long start = t0 + (long) ((double) i / transactions * hour);
                Span s = f.span(app, app + "-" + (i % 8), start);
                spans.add(s);
                rawBytes.addAndGet(s.getSerializedSize());
                if (i % 1000 == 0) {
                    sample.add(TraceIds.traceIdHex(s.getTraceId().toByteArray()));
                }
            }
            List<Span> fresh = store.store(spans, List.of());
            map.add(fresh);
            density.add(fresh);
            if (b % 50 == 0) {
                density.flush(); // as a collector does every few seconds
            }
        });
        map.flush();
        density.flush();
        double loadRate = transactions / seconds(w0);
        System.out.printf(Locale.ROOT, "load %,d transactions directly through SpanStore: %,.0f spans/s%n", transactions, loadRate);
        long c0 = System.nanoTime();
        flushAndCompact(c);
        System.out.printf(Locale.ROOT, "flush + major compaction: %.1f s%n", seconds(c0));

        HBaseQueries q = new HBaseQueries(c);
        TransactionQuery first10k = new TransactionQuery(app, t0, t0 + hour, null, null, null, null, null, null, 10_000, null);
        double[] scatter = time(13, 3, () -> {
            if (q.scatter(first10k).points().size() != 10_000) {
                throw new IllegalStateException("expected 10,000 points");
            }
        });
        double[] rawScan = time(13, 3, () -> rawScan(c, 10_000));
        report("scatter first 10,000 of the hour", scatter, "raw scan of 10,000 index rows", rawScan);
        double[] summary = time(13, 3, () -> {
            long n = 0;
            for (io.sightline.storage.query.DensityCounts.Cell cell : q.scatterDensity(app, t0, t0 + hour).cells()) {
                n += cell.success() + cell.error();
            }
            if (n != transactions) {
                throw new IllegalStateException("expected " + transactions + " in the density, got " + n);
            }
        });
        report("scatter density of the whole hour (pre-aggregated)", summary, "scatter first 10,000 of the hour", scatter);
        TransactionQuery errors = new TransactionQuery(app, t0, t0 + hour, null, null, true, null, null, null, 10_000, null);
        double[] errorScatter = time(5, 1, () -> q.scatter(errors));
        report("scatter errors only (server-side filter over the hour)", errorScatter, "raw scan of 10,000 index rows", rawScan);
        TransactionQuery slowGlob = new TransactionQuery(app, t0, t0 + hour, 1000L, null, null, null,
                io.sightline.storage.query.UrlMatch.parse("/owners/*/pets"), null, 10_000, null);
        report("scatter elapsed>=1000 and url glob over the hour", time(5, 1, () -> q.scatter(slowGlob)),
                "raw scan of 10,000 index rows", rawScan);

        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        double[] tree = time(500, 50, () -> q.callTree(sample.get(r.nextInt(sample.size()))).orElseThrow());
        double[] rawGet = time(500, 50, () -> rawGet(c, sample.get(r.nextInt(sample.size()))));
        report("call tree (get + metadata + assembly)", tree, "raw get of the trace row", rawGet);

        double[] map1h = time(20, 3, () -> q.serverMap(app, t0, t0 + hour));
        double[] map1d = time(10, 2, () -> q.serverMap(app, t0 + hour - 86_400_000L, t0 + hour));
        report("server map over 1 hour (minute stats)", map1h, "raw get of the trace row", rawGet);
        report("server map over 1 day (minute stats)", map1d, "raw get of the trace row", rawGet);
        q.close();

        // store file sizes as the region servers report them (files already compacted away are
        // not counted, even while they wait to be archived)
        long onDisk = 0;
        try (Admin admin = c.getAdmin()) {
            var servers = admin.getClusterMetrics().getLiveServerMetrics().keySet();
            for (TableName t : List.of(Tables.TRACES, Tables.TRACE_INDEX, Tables.MAP_STATS, Tables.METADATA)) {
                long size = 0;
                for (var server : servers) {
                    for (var rm : admin.getRegionMetrics(server, t)) {
                        size += (long) rm.getStoreFileSize().get(org.apache.hadoop.hbase.Size.Unit.BYTE);
                    }
                }
                System.out.printf(Locale.ROOT, "on disk %-12s %,14d bytes%n", t.getQualifierAsString(), size);
                onDisk += size;
            }
        }
        double perTx = (double) onDisk / transactions;
        double rawPerTx = (double) rawBytes.get() / transactions;
        System.out.printf(Locale.ROOT, "bytes on disk per transaction: %.0f  (raw protobuf %.0f bytes: ratio %.2f)%n",
                perTx, rawPerTx, perTx / rawPerTx);
    }

    private static void flushAndCompact(Connection c) throws Exception {
        try (Admin admin = c.getAdmin()) {
            List<TableName> tables = List.of(Tables.TRACES, Tables.TRACE_INDEX, Tables.MAP_STATS, Tables.METADATA);
            for (TableName t : tables) {
                admin.flush(t);
            }
            for (TableName t : tables) {
                admin.majorCompact(t);
            }
            Thread.sleep(2000);
            for (TableName t : tables) {
                while (admin.getCompactionState(t) != CompactionState.NONE) {
                    Thread.sleep(500);
                }
            }
        }
    }

    private static void rawScan(Connection c, int rows) throws IOException {
        Scan s = new Scan().withStartRow(new byte[] {0}).setLimit(rows).setCaching(2000);
        int n = 0;
        try (Table t = c.getTable(Tables.TRACE_INDEX); ResultScanner rs = t.getScanner(s)) {
            for (Result ignored : rs) {
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("empty scan");
        }
    }

    private static void rawGet(Connection c, String traceHex) throws IOException {
        try (Table t = c.getTable(Tables.TRACES)) {
            if (t.get(new Get(TraceIds.parseTraceId(traceHex))).isEmpty()) {
                throw new IllegalStateException("missing trace");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** CPU nanoseconds of this JVM and of the HBase child: a point in time, or (from since()) an interval. */
    private record Cpu(long jvmNanos, long hbaseNanos) {
        static Cpu now() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long child = ProcessHandle.of(hbasePid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
            return new Cpu(os.getProcessCpuTime(), child);
        }

        Cpu since() {
            Cpu n = now();
            return new Cpu(n.jvmNanos - jvmNanos, n.hbaseNanos - hbaseNanos);
        }

        double jvmUs(long spans) {
            return jvmNanos / 1e3 / spans;
        }

        double hbaseUs(long spans) {
            return hbaseNanos / 1e3 / spans;
        }

        double totalUs(long spans) {
            return jvmUs(spans) + hbaseUs(spans);
        }
    }

    private interface Body<T> {
        void run(T item) throws Exception;
    }

    private interface Op {
        void run() throws Exception;
    }

    private static <T> void parallel(List<T> items, Body<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicLong next = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            fs.add(pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < items.size(); ) {
                    body.run(items.get((int) i));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    /** Milliseconds of each measured run (after warm-up), sorted. */
    private static double[] time(int runs, int warmup, Op op) throws Exception {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            op.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void report(String what, double[] ms, String baseline, double[] base) {
        System.out.printf(Locale.ROOT, "%-55s p50 %8.1f ms  p99 %8.1f ms  (baseline %s p50 %.1f ms: ratio %.1f)%n",
                what, pct(ms, 0.5), pct(ms, 0.99), baseline, pct(base, 0.5), pct(ms, 0.5) / pct(base, 0.5));
    }

    private static long count(List<List<Span>> batches) {
        return batches.stream().mapToLong(List::size).sum();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long dirSize(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.tmp/"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
