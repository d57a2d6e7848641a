package io.sightline.storage.write;

import io.sightline.hbase.schema.IndexCell;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.IpRanges;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Stores span batches. Idempotent per (trace id, span id): a span whose traces cell exists is
 * not written again and not reported as new, so a resent batch is stored once and counted once
 * on the server map. Methods return only once the data is durable
 * (HBase acknowledges a put after its write-ahead log is synced).
 */
public final class SpanStore {
    private static final int METADATA_CACHE_MAX = 100_000;
    private final Connection connection;
    /** Writes index rows while the caller checks which spans are new (bounded by the callers: one task each). */
    private final java.util.concurrent.ExecutorService indexWriter;
    /** Metadata rows known to be stored; texts never change for an id, so this never goes stale. */
    private final Map<Long, Boolean> storedMetadata = new ConcurrentHashMap<>();
    /** Spans being stored right now, so a concurrent second delivery of one waits and is not counted twice. */
    private final Map<SpanKey, java.util.concurrent.CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();

    public SpanStore(Connection connection) {
        this.connection = connection;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.indexWriter = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sightline-index-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stores metadata and spans; returns the spans that were not stored before (in input order).
     *
     * <p>Order: index rows (idempotent puts) and, at the same time, an existence check of the
     * traces cells (one batched get, answered from bloom filters for new trace ids); then, once
     * the index rows are durable, the traces cells of the spans not yet stored (one batched put). The
     * traces cell is the commit mark: a batch that fails before it is resent and counted then; a
     * batch whose ack was lost is found stored and not counted again. A span delivered twice at
     * the same time to this store waits for the first delivery (see {@link #claim}); per-row
     * checkAndMutate would close the same gap across collectors but costs one WAL sync per span.
     */
    public List<Span> store(List<Span> spans, List<MetadataEntry> metadata) throws IOException {
        storeMetadata(metadata);
        if (spans.isEmpty()) {
            return List.of();
        }
        List<Put> index = new ArrayList<>(spans.size());
        for (Span s : spans) {
            index.add(indexPut(s));
        }
        // the index write and the existence check do not depend on each other: run them together
        java.util.concurrent.CompletableFuture<Void> indexed = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (Table t = connection.getTable(Tables.TRACE_INDEX)) {
                t.put(index);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, indexWriter);
        try {
            return storeTraces(spans, indexed);
        } finally {
            // never return (or fail) before the index write is over: an ack must mean durable
            try {
                indexed.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable c = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                throw c instanceof IOException io ? io : new IOException(c);
            }
        }
    }

    private List<Span> storeTraces(List<Span> spans, java.util.concurrent.CompletableFuture<Void> indexed) throws IOException {
        List<SpanKey> claimed = new ArrayList<>(spans.size());
        List<java.util.concurrent.CompletableFuture<Void>> others = new ArrayList<>();
        List<Span> candidates = new ArrayList<>(spans.size());
        java.util.concurrent.CompletableFuture<Void> mine = new java.util.concurrent.CompletableFuture<>();
        try {
            java.util.Set<SpanKey> inBatch = new java.util.HashSet<>();
            for (Span s : spans) {
                SpanKey k = new SpanKey(s);
                if (!inBatch.add(k)) {
                    continue; // the same span twice in one batch: store and count it once
                }
                java.util.concurrent.CompletableFuture<Void> other = inflight.putIfAbsent(k, mine);
                if (other == null) {
                    claimed.add(k);
                    candidates.add(s);
                } else {
                    others.add(other);
                }
            }
            List<Get> checks = new ArrayList<>(candidates.size());
            for (Span s : candidates) {
                checks.add(new Get(s.getTraceId().toByteArray())
                        .addColumn(Tables.TRACES_CF, RowKeys.spanQualifier(s.getAgentId(), s.getSpanId()))
                        .setCheckExistenceOnly(true));
            }
            List<Span> fresh = new ArrayList<>(candidates.size());
            List<Put> puts = new ArrayList<>(candidates.size());
            try (Table t = connection.getTable(Tables.TRACES)) {
                boolean[] exists = checks.isEmpty() ? new boolean[0] : t.exists(checks);
                for (int i = 0; i < exists.length; i++) {
                    if (!exists[i]) {
                        Span s = candidates.get(i);
                        fresh.add(s);
                        puts.add(new Put(s.getTraceId().toByteArray()).addColumn(Tables.TRACES_CF,
                                RowKeys.spanQualifier(s.getAgentId(), s.getSpanId()), s.toByteArray()));
                    }
                }
                if (!puts.isEmpty()) {
                    // the traces cell is the commit mark: only once the index rows are durable
                    try {
                        indexed.join();
                    } catch (java.util.concurrent.CompletionException e) {
                        throw new IOException("index write failed", e.getCause());
                    }
                    t.put(puts);
                }
            }
            mine.complete(null);
            // spans claimed by a concurrent delivery are decided (and counted) by it; wait for it
            // (only after completing our own claims, so two batches never wait for each other),
            // so that our ack too means durable
            for (var f : others) {
                try {
                    f.get(2, java.util.concurrent.TimeUnit.MINUTES);
                } catch (Exception e) {
                    throw new IOException("a concurrent delivery of the same spans failed", e);
                }
            }
            return fresh;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            for (SpanKey k : claimed) {
                inflight.remove(k, mine);
            }
        }
    }

    /** (trace id, agent, span id): what storage is idempotent on. */
    private record SpanKey(com.google.protobuf.ByteString traceId, String agentId, long spanId) {
        SpanKey(Span s) {
            this(s.getTraceId(), s.getAgentId(), s.getSpanId());
        }
    }

    /** Stores metadata texts not yet known to be stored. */
    public void storeMetadata(List<MetadataEntry> metadata) throws IOException {
        if (metadata.isEmpty()) {
            return;
        }
        List<Put> puts = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        for (MetadataEntry m : metadata) {
            long key = m.getId() * 31 + m.getKindValue();
            if (storedMetadata.containsKey(key)) {
                continue;
            }
            keys.add(key);
            puts.add(new Put(RowKeys.metadataRow(m.getKindValue(), m.getId()))
                    .addColumn(Tables.METADATA_CF, Tables.METADATA_VALUE, Bytes.toBytes(m.getValue())));
        }
        if (puts.isEmpty()) {
            return;
        }
        try (Table t = connection.getTable(Tables.METADATA)) {
            t.put(puts);
        }
        if (storedMetadata.size() > METADATA_CACHE_MAX) {
            storedMetadata.clear();
        }
        for (Long k : keys) {
            storedMetadata.put(k, Boolean.TRUE);
        }
    }

    static Put indexPut(Span s) {
        byte[] row = RowKeys.indexRow(s.getApplicationName(), s.getStartTime(), s.getTraceId().toByteArray(), s.getSpanId());
        byte[] ip = s.getClientIp().isEmpty() ? null : IpRanges.toBytes(s.getClientIp());
        byte[] filter = IndexCell.encode(s.getElapsed(), s.getError(), ip, s.getAgentId(), s.getUri());
        // the details are a Span message holding only what the transaction list shows
        Span.Builder d = Span.newBuilder().setAgentId(s.getAgentId()).setClientIp(s.getClientIp())
                .setMethod(s.getMethod()).setUriTemplate(s.getUriTemplate()).setStatus(s.getStatus());
        if (s.hasException()) {
            d.setException(ExceptionInfo.newBuilder().setClassName(s.getException().getClassName())
                    .setMessage(s.getException().getMessage()));
        }
        return new Put(row).addColumn(Tables.INDEX_CF, Tables.IDX_FILTER, filter)
                .addColumn(Tables.INDEX_CF, Tables.IDX_DETAILS, d.build().toByteArray());
    }

    /** For logs: "traceId/spanId". */
    public static String describe(Span s) {
        return (s.getTraceId().size() == 16 ? TraceIds.traceIdHex(s.getTraceId().toByteArray()) : "?")
                + "/" + TraceIds.spanIdHex(s.getSpanId());
    }
}
