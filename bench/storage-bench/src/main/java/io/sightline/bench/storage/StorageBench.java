package io.sightline.bench.storage;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.sightline.protocol.v1.BatchAck;
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
    /** Each phase starts with empty memstores and its own flush is counted in its CPU (false: as before, flushes fall where they fall). */
    private static final boolean FLUSH_PHASES = Boolean.parseBoolean(System.getProperty("bench.flushPhases", "true"));
    /** Requests are encoded before the timed part, as agents encode on their own machines (false: per send, timed). */
    private static final boolean PRE_ENCODE = Boolean.parseBoolean(System.getProperty("bench.preEncode", "true"));
    /** Senders flag each batch's first attempt, as the agent does (false: as older agents, every span checked). */
    private static final boolean FIRST_ATTEMPT = Boolean.parseBoolean(System.getProperty("bench.firstAttempt", "true"));
    private static final int BATCH = 100;
    private static final int REGIONS = Integer.getInteger("bench.regions", 2);
    /** Ingest phases run (-Dbench.phases, comma separated): raw, checked, one, two; the default runs them all. */
    private static final List<String> PHASES = List.of(System.getProperty("bench.phases", "raw,checked,one,two").split(","));
    /** Per-thread CPU of each phase, by thread group (-Dbench.threadCpu=true; Linux). */
    private static final boolean THREAD_CPU = Boolean.getBoolean("bench.threadCpu");
    /** Threads at the end of the last phase's sending, for the per-thread figures. */
    private static volatile Cpu phaseEnd;
    /** Spans of each measured phase, for the per-thread figures. */
    private static long SPANS_FOR_REPORT = 1;
    /** The embedded HBase child, whose CPU time is counted per span beside this JVM's. */
    private static long hbasePid;

    public static void main(String[] args) throws Exception {
        int transactions = Integer.getInteger("bench.transactions", 1_000_000);
        int ingestSpans = Integer.getInteger("bench.ingestSpans", 200_000);
        Path dir = Files.createTempDirectory("sightline-storage-bench");
        EmbeddedHBase.Options options = EmbeddedHBase.Options.defaults().withMaxHeap("1g");
        // e.g. a JFR recording of the HBase child: -Dbench.hbaseJvmArgs=-XX:StartFlightRecording=filename=/tmp/hbase.jfr
        String hbaseArgs = System.getProperty("bench.hbaseJvmArgs", "").trim();
        if (!hbaseArgs.isEmpty()) {
            options = new EmbeddedHBase.Options(options.maxHeap(), options.zookeeperPort(), options.startTimeout(),
                    options.stopTimeout(), List.of(hbaseArgs.split("\\s+")));
        }
        EmbeddedHBase hbase = EmbeddedHBase.start(dir, HBaseTestCluster.libDir(), options);
        hbasePid = hbase.pid();
        try (Connection c = HBaseConnections.connect(hbase.quorum())) {
            int regions = REGIONS;
            SchemaTool.apply(c, 14, regions, false, l -> { });
            System.out.printf(Locale.ROOT, "== Sightline storage bench: %,d transactions for queries, %,d spans for ingest, %d cores, %d regions per big table%n",
                    transactions, ingestSpans, Runtime.getRuntime().availableProcessors(), regions);
            System.out.printf(Locale.ROOT, "%d concurrent senders / writers; batches flagged first attempt: %s; requests encoded before timing: %s%n",
                    THREADS, FIRST_ATTEMPT, PRE_ENCODE);
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
        SPANS_FOR_REPORT = spans;
        // the paths measured (raw puts, gRPC server, ingest, group commit, map, existence checks,
        // and on the HBase side puts, increments, gets, flushes) are cold until now: without a
        // warm-up, the measured phases also pay both JVMs' JIT compiling them, which a long-running
        // collector and HBase pay once (C2 threads were 20-45 us of ~100 us per span in each JVM
        // with a warm-up of 20,000 spans through one collector only)
        int warmup = Integer.getInteger("bench.warmupSpans", -1);
        if (warmup < 0) {
            warmup = spans / 5;
        }
        boolean warmupAll = !"one".equals(System.getProperty("bench.warmupPhases", "all"));
        if (warmup > 0) {
            long w0 = System.nanoTime();
            if (warmupAll) {
                for (int round = 0; round < 2; round++) {
                    if (PHASES.contains("raw")) {
                        rawPuts(c, batches("bench-warmup-raw", warmup, 10 + round), "bench_raw_warmup" + round);
                    }
                    if (PHASES.contains("checked")) {
                        throughCollectors(c, batches("bench-warmup-0", warmup, 20 + round), 1, false);
                    }
                    if (PHASES.contains("one")) {
                        throughCollectors(c, batches("bench-warmup-1", warmup, 30 + round), 1);
                    }
                    if (PHASES.contains("two")) {
                        throughCollectors(c, batches("bench-warmup-2", warmup, 40 + round), 2);
                    }
                }
                System.out.printf(Locale.ROOT, "ingest warm-up: every phase twice with %,d spans, untimed (%.1f s)%n", warmup, seconds(w0));
            } else {
                throughCollectors(c, batches("bench-warmup", warmup, 4), 1);
                System.out.printf(Locale.ROOT, "ingest warm-up: %,d spans through one collector, untimed (%.1f s)%n", warmup, seconds(w0));
            }
        } else {
            System.out.printf(Locale.ROOT, "ingest warm-up: none (the first collector phase includes JIT compilation)%n");
        }
        List<List<Span>> batches = batches("bench-raw", spans, 1);
        int avgBytes = (int) (batches.stream().flatMap(List::stream).mapToLong(Span::getSerializedSize).sum() / spans);
        double raw = Double.NaN;
        Cpu cpuRaw = null;
        if (PHASES.contains("raw")) {
            Phase p = rawPuts(c, batches, "bench_raw");
            raw = p.rate();
            cpuRaw = p.cpu();
        }
        batches = null;
        // the same through one collector with no batch flagged as a first attempt (older agents):
        // every span's index row is checked first; measured next to the flagged phase, under the same load
        Phase checkedPhase = collectorPhase("checked", c, "bench-ingest-0", spans, 5, 1, false);
        Phase onePhase = collectorPhase("one", c, "bench-ingest-1", spans, 2, 1, FIRST_ATTEMPT);
        Phase twoPhase = collectorPhase("two", c, "bench-ingest-2", spans, 3, 2, FIRST_ATTEMPT);
        double checked = checkedPhase.rate();
        double one = onePhase.rate();
        double two = twoPhase.rate();
        Cpu cpuChecked = checkedPhase.cpu();
        Cpu cpuOne = onePhase.cpu();
        Cpu cpuTwo = twoPhase.cpu();
        System.out.printf(Locale.ROOT, "ingest baseline  raw HBase puts of the span bytes: %,10.0f spans/s (avg span %d bytes, 10 events)%n",
                raw, avgBytes);
        System.out.printf(Locale.ROOT, "ingest 1 collector (gRPC, idempotent store, index, map): %,10.0f spans/s  ratio vs raw %.2f%n",
                one, one / raw);
        System.out.printf(Locale.ROOT, "ingest 1 collector, every span checked (unflagged):       %,10.0f spans/s  ratio vs raw %.2f%n",
                checked, checked / raw);
        System.out.printf(Locale.ROOT, "ingest 2 collectors:                                      %,10.0f spans/s  ratio vs raw %.2f, vs 1 collector %.2f%n",
                two, two / raw, two / one);
        System.out.printf(Locale.ROOT, "CPU per span (us), bench JVM [senders + collectors] + HBase child%s:%n",
                FLUSH_PHASES ? ", each phase's flush included" : "");
        cpuLine("raw puts     ", cpuRaw, null, spans);
        cpuLine("1 collector  ", cpuOne, cpuRaw, spans);
        cpuLine("1 coll. chk. ", cpuChecked, cpuRaw, spans);
        cpuLine("2 collectors ", cpuTwo, cpuRaw, spans);
        HBaseQueries q = new HBaseQueries(c);
        List<String> apps = new ArrayList<>();
        for (String[] phase : new String[][] {{"checked", "bench-ingest-0"}, {"one", "bench-ingest-1"}, {"two", "bench-ingest-2"}}) {
            if (PHASES.contains(phase[0])) {
                apps.add(phase[1]);
            }
        }
        for (String app : apps) {
            ServerMap m = q.serverMap(app, 0, Long.MAX_VALUE / 2);
            long users = m.links().stream().filter(l -> l.from().equals("USER^USER")).mapToLong(ServerMap.Link::totalCount).sum();
            System.out.printf(Locale.ROOT, "map check %-15s USER->app total %,d (sent %,d) %s%n", app, users, spans,
                    users == spans ? "OK" : "MISMATCH");
        }
        q.close();
    }

    private static void cpuLine(String label, Cpu cpu, Cpu raw, long spans) {
        if (cpu == null) {
            return;
        }
        String ratio = raw == null || cpu == raw ? "" : String.format(Locale.ROOT, "  ratio vs raw %.2f", cpu.totalUs(spans) / raw.totalUs(spans));
        System.out.printf(Locale.ROOT, "  %s %7.1f + %7.1f = %7.1f%s;  JIT compiling %.1f + %.1f, without it %.1f + %.1f = %.1f%n",
                label, cpu.jvmUs(spans), cpu.hbaseUs(spans), cpu.totalUs(spans), ratio,
                cpu.jvmJitNanos() / 1e3 / spans, cpu.hbaseJitNanos() / 1e3 / spans,
                (cpu.jvmNanos() - cpu.jvmJitNanos()) / 1e3 / spans, (cpu.hbaseNanos() - cpu.hbaseJitNanos()) / 1e3 / spans,
                cpu.totalUs(spans) - cpu.jitUs(spans));
        if (cpu.breakdown() != null) {
            System.out.printf(Locale.ROOT, "      %s%n", cpu.breakdown());
        }
    }

    private static SpanBatch batch(List<Span> spans, List<MetadataEntry> metadata, boolean firstAttempt) {
        return SpanBatch.newBuilder().setAgent(AgentRef.newBuilder()
                        .setAgentId(spans.get(0).getAgentId()).setApplicationName(spans.get(0).getApplicationName()))
                .addAllSpans(spans).addAllMetadata(metadata).setFirstAttempt(firstAttempt).build();
    }

    /** SpanService/Send with the request as bytes already encoded (a SpanBatch). */
    private static final MethodDescriptor<byte[], BatchAck> SEND_BYTES = SpanServiceGrpc.getSendMethod()
            .toBuilder(new MethodDescriptor.Marshaller<byte[]>() {
                @Override
                public java.io.InputStream stream(byte[] value) {
                    return new java.io.ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(java.io.InputStream stream) {
                    throw new UnsupportedOperationException("requests only");
                }
            }, ProtoUtils.marshaller(BatchAck.getDefaultInstance()))
            .build();

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

    /** A measured phase: its rate and the CPU it took (from the clock's start to the end of its teardown). */
    private record Phase(double rate, Cpu cpu) {
        /** A phase left out by -Dbench.phases. */
        static final Phase SKIPPED = new Phase(Double.NaN, null);
    }

    /** The ingest of {@code app}'s spans through {@code collectors} collectors, or SKIPPED when not among the phases run. */
    private static Phase collectorPhase(String name, Connection c, String app, int spans, long seed, int collectors,
                                        boolean firstAttempt) throws Exception {
        if (!PHASES.contains(name)) {
            return Phase.SKIPPED;
        }
        return throughCollectors(c, batches(app, spans, seed), collectors, firstAttempt);
    }

    private static Phase rawPuts(Connection c, List<List<Span>> batches, String table) throws Exception {
        TableName raw = TableName.valueOf(Tables.NAMESPACE, table);
        try (Admin admin = c.getAdmin()) {
            admin.createTable(TableDescriptorBuilder.newBuilder(raw)
                    .setColumnFamily(Tables.all(14).get(1).getColumnFamilies()[0]).build(), Tables.splitKeys(Tables.TRACES, REGIONS));
        }
        // row, qualifier and value of each span; with PRE_ENCODE made before the clock starts, as
        // for the collectors, which receive spans already encoded
        List<List<byte[][]>> cells = PRE_ENCODE ? new ArrayList<>(batches.size()) : null;
        if (PRE_ENCODE) {
            for (List<Span> batch : batches) {
                List<byte[][]> b = new ArrayList<>(batch.size());
                for (Span s : batch) {
                    b.add(rawCell(s));
                }
                cells.add(b);
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            ids.add(i);
        }
        flushIngestTables(c);
        Cpu cpu = Cpu.now();
        long t0 = System.nanoTime();
        parallel(ids, i -> {
            List<Put> puts = new ArrayList<>(batches.get(i).size());
            if (cells != null) {
                for (byte[][] cell : cells.get(i)) {
                    puts.add(new Put(cell[0]).addColumn(Tables.TRACES_CF, cell[1], cell[2]));
                }
            } else {
                for (Span s : batches.get(i)) {
                    byte[][] cell = rawCell(s);
                    puts.add(new Put(cell[0]).addColumn(Tables.TRACES_CF, cell[1], cell[2]));
                }
            }
            try (Table t = c.getTable(raw)) {
                t.put(puts);
            }
        });
        double rate = count(batches) / seconds(t0);
        flushIngestTables(c);
        return new Phase(rate, cpu.since());
    }

    /**
     * Writes every memstore of the ingest tables to store files. Called before each phase
     * (untimed), so that it starts with empty memstores, and after it, counted in its CPU: every
     * byte stored is flushed once (compressed) in steady state, and each phase pays for its own
     * bytes instead of whichever phase happens to cross the memstore limit.
     */
    private static void flushIngestTables(Connection c) throws IOException {
        if (!FLUSH_PHASES) {
            return;
        }
        try (Admin admin = c.getAdmin()) {
            for (TableName t : admin.listTableNamesByNamespace(Tables.NAMESPACE)) {
                if (!t.equals(Tables.SCHEMA) && !t.equals(Tables.AGENTS)) {
                    admin.flush(t);
                }
            }
        }
    }

    private static byte[][] rawCell(Span s) {
        return new byte[][] {s.getTraceId().toByteArray(),
            io.sightline.hbase.schema.RowKeys.spanQualifier(s.getAgentId(), s.getSpanId()), s.toByteArray()};
    }

    private static Phase throughCollectors(Connection c, List<List<Span>> batches, int n) throws Exception {
        return throughCollectors(c, batches, n, FIRST_ATTEMPT);
    }

    private static Phase throughCollectors(Connection c, List<List<Span>> batches, int n, boolean firstAttempt) throws Exception {
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
        // agents encode their batches on their own machines: with PRE_ENCODE the requests are
        // encoded here, before the clock starts, and the senders only send bytes
        List<byte[]> encoded = null;
        long spans = count(batches);
        int batchCount = batches.size();
        if (PRE_ENCODE) {
            encoded = new ArrayList<>(batches.size());
            for (int i = 0; i < batches.size(); i++) {
                encoded.add(batch(batches.get(i), i < THREADS ? metadata : List.of(), firstAttempt).toByteArray());
            }
            // the caller's span objects are not used any more: let them go, so that this JVM's GC
            // does not trace them while the collectors run
            batches.clear();
        }
        List<byte[]> requests = encoded;
        AtomicLong next = new AtomicLong();
        flushIngestTables(c);
        Cpu cpu = Cpu.now();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            ManagedChannel channel = channels.get(t);
            SpanServiceGrpc.SpanServiceBlockingStub stub = SpanServiceGrpc.newBlockingStub(channel);
            fs.add(pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < batchCount; ) {
                    List<Span> b = requests == null ? batches.get((int) i) : null;
                    byte[] request = requests == null ? null : requests.get((int) i);
                    boolean first = firstAttempt;
                    while (true) {
                        try {
                            if (request != null) {
                                ClientCalls.blockingUnaryCall(channel, SEND_BYTES, CallOptions.DEFAULT, request);
                            } else {
                                // encoded per send, inside the timed part (the figures before pre-encoding)
                                stub.send(batch(b, i < THREADS ? metadata : List.of(), first));
                            }
                            break;
                        } catch (io.grpc.StatusRuntimeException e) {
                            // a resend, as the agent's: no longer flagged as a first attempt (protobuf
                            // reads the last value of a field, so the flag appended overrides)
                            first = false;
                            if (request != null) {
                                request = java.util.Arrays.copyOf(request, request.length + 2);
                                request[request.length - 2] = (byte) (SpanBatch.FIRST_ATTEMPT_FIELD_NUMBER << 3);
                                request[request.length - 1] = 0;
                            }
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
        double rate = spans / seconds(t0);
        phaseEnd = Cpu.now();
        pool.shutdown();
        channels.forEach(ManagedChannel::shutdownNow);
        for (Collector col : collectors) {
            col.stop(Duration.ofSeconds(10));
        }
        flushIngestTables(c);
        return new Phase(rate, cpu.since());
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
    private record Cpu(long jvmNanos, long hbaseNanos, long jvmJitNanos, long hbaseJitNanos, ThreadCpu jvmThreads,
                       ThreadCpu hbaseThreads, String breakdown) {
        /** Thread names of HotSpot's JIT compilers (C1, C2) as /proc shows them, digits folded. */
        private static final String JIT = "CN CompilerThre";

        static Cpu now() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long child = ProcessHandle.of(hbasePid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
            return new Cpu(os.getProcessCpuTime(), child, 0, 0, ThreadCpu.of(ProcessHandle.current().pid()), ThreadCpu.of(hbasePid), null);
        }

        /**
         * The interval since this point, with the part of it the JIT compilers took (a cost a
         * long-running process has paid before), and with -Dbench.threadCpu=true where each
         * process's CPU went: the bench JVM's threads as they were when the last send returned
         * (the senders' and collectors' threads end after that), the HBase child's at the end.
         */
        Cpu since() {
            Cpu n = now();
            Cpu end = phaseEnd != null ? phaseEnd : n;
            phaseEnd = null;
            return new Cpu(n.jvmNanos - jvmNanos, n.hbaseNanos - hbaseNanos, n.jvmThreads.nanosSince(jvmThreads, JIT),
                    n.hbaseThreads.nanosSince(hbaseThreads, JIT), null, null,
                    THREAD_CPU ? "bench JVM:   " + end.jvmThreads.report(jvmThreads, end.jvmNanos - jvmNanos, SPANS_FOR_REPORT, 14)
                            + "\n      HBase child: " + n.hbaseThreads.report(hbaseThreads, n.hbaseNanos - hbaseNanos, SPANS_FOR_REPORT, 14)
                            : null);
        }

        double jitUs(long spans) {
            return (jvmJitNanos + hbaseJitNanos) / 1e3 / spans;
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
        phaseEnd = Cpu.now();
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
