package io.sightline.storage.write;

import com.google.protobuf.ByteString;
import io.sightline.hbase.schema.IndexCell;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.IpRanges;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Stores span batches with group commit. Idempotent per (trace id, agent, span id): a span whose
 * trace-index row exists is not written again and not reported as new, so a resent batch is
 * stored once and counted once on the server map. A returned (or completed) result means
 * durable: HBase acknowledges a put only after its write-ahead log is synced.
 *
 * <p>Group commit: callers hand their batches to a queue; each of a few committer threads takes
 * everything queued (up to {@link #MAX_GROUP_SPANS} spans) and writes it as one group, so many
 * concurrent requests share one existence check, one traces write and one index write (and their
 * WAL syncs) instead of paying three round trips each. Every request of a group completes when the
 * group is durable, or fails with it (the caller resends; storage is idempotent).
 *
 * <p>Order inside a group: metadata texts; the traces cells of the group's spans (idempotent puts)
 * together with one batched existence check of their index rows (answered from the row bloom
 * filters for new rows); then, once the traces cells are durable, the index rows that were absent.
 * The index row is the commit mark: a span listed in the index always has a readable call tree,
 * and a group that failed between the two writes is found not indexed on resend, rewritten and
 * counted then.
 *
 * <p>A batch its sender flags as a first attempt (none of its spans was ever sent before) skips
 * the existence check: its spans cannot be stored yet, so they are written and reported new
 * without that read; everything else (resends, older agents) is checked as above.
 *
 * <p>Memory is bounded by the callers: the collector admits a bounded number of batches at once
 * and waits for each, so the queue never holds more than those.
 */
public final class SpanStore implements AutoCloseable {
    /** A group takes queued requests until it holds this many spans (one request may exceed it). */
    public static final int MAX_GROUP_SPANS = 4_000;
    /** Committer threads: groups written at once (one writes while the next group fills). */
    public static final int DEFAULT_COMMITTERS = 4;
    private static final int METADATA_CACHE_MAX = 100_000;
    private static final int HASH_CACHE_MAX = 10_000;
    private final Connection connection;
    /** Metadata rows known to be stored; texts never change for an id, so this never goes stale. */
    private final Map<Long, Boolean> storedMetadata = new ConcurrentHashMap<>();
    /** Spans being stored right now, so a concurrent second delivery of one waits and is not counted twice. */
    private final Map<SpanKey, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
    /** 8-byte hashes of agent ids and application names (a SHA-256 each): few names, many spans. */
    private final Map<String, byte[]> hashes = new ConcurrentHashMap<>();
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Thread> committers = new ArrayList<>();
    /** Writes a group's traces cells while its committer checks the index rows (one task per committer at most). */
    private final java.util.concurrent.ExecutorService tracesWriter;
    private volatile boolean closed;
    private volatile java.util.function.Consumer<List<Span>> listener;
    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong groupedRequests = new java.util.concurrent.atomic.AtomicLong();

    public SpanStore(Connection connection) {
        this(connection, DEFAULT_COMMITTERS);
    }

    public SpanStore(Connection connection, int committerThreads) {
        if (committerThreads < 1) {
            throw new IllegalArgumentException("committerThreads must be at least 1");
        }
        this.connection = connection;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.tracesWriter = java.util.concurrent.Executors.newFixedThreadPool(committerThreads, r -> {
            Thread t = new Thread(r, "sightline-traces-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 1; i <= committerThreads; i++) {
            Thread t = new Thread(this::commitLoop, "sightline-span-commit-" + i);
            t.setDaemon(true);
            committers.add(t);
            t.start();
        }
    }

    /** One caller's batch waiting for (or in) a group. */
    private static final class Request {
        final List<Span> spans;
        /** The encoding of each span as received (stored as is in its traces cell), or null to encode them here. */
        final List<ByteString> encoded;
        final List<MetadataEntry> metadata;
        /** The sender says none of these spans was ever sent before: no existence check. */
        final boolean firstAttempt;
        final CompletableFuture<List<Span>> result = new CompletableFuture<>();
        /** Set by the committer: the spans of this request that were new, in input order. */
        final List<Span> fresh = new ArrayList<>();
        /** Claims of other groups on spans of this request: decided (and counted) there. */
        final Set<CompletableFuture<Void>> others = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        Request(List<Span> spans, List<ByteString> encoded, List<MetadataEntry> metadata, boolean firstAttempt) {
            if (encoded != null && encoded.size() != spans.size()) {
                throw new IllegalArgumentException("one encoding per span");
            }
            this.spans = spans;
            this.encoded = encoded;
            this.metadata = metadata;
            this.firstAttempt = firstAttempt;
        }
    }

    /**
     * Stores metadata and spans; returns the spans that were not stored before (in input order),
     * once everything is durable.
     */
    public List<Span> store(List<Span> spans, List<MetadataEntry> metadata) throws IOException {
        try {
            return storeAsync(spans, metadata).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing spans");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c);
        }
    }

    /**
     * Queues metadata and spans for the next group; the future completes with the spans that were
     * not stored before (in input order) once they are durable, or fails (then nothing of the
     * batch may be assumed stored, and a resend is safe).
     */
    public CompletableFuture<List<Span>> storeAsync(List<Span> spans, List<MetadataEntry> metadata) {
        return storeAsync(spans, null, metadata);
    }

    /**
     * As {@link #storeAsync(List, List)}, with each span's encoding as received from the agent
     * ({@code encoded.get(i)} parses to {@code spans.get(i)}; null: encode them here), which is
     * what its traces cell holds: a span is not serialised again.
     */
    public CompletableFuture<List<Span>> storeAsync(List<Span> spans, List<ByteString> encoded, List<MetadataEntry> metadata) {
        return storeAsync(spans, encoded, metadata, false);
    }

    /**
     * As {@link #storeAsync(List, List, List)}; {@code firstAttempt} is the sender's promise that
     * none of these spans was ever sent before (to this or any other collector, before or after a
     * restart), so none can be stored yet: they are stored as new without the existence check of
     * their index rows (one HBase read per span less). A sender that cannot promise it (a resend
     * after a failed or unanswered attempt, an older agent) passes false and its spans are checked,
     * so a resend is still stored and counted once. Spans being stored right now by another group
     * of this store are still left to that group.
     */
    public CompletableFuture<List<Span>> storeAsync(List<Span> spans, List<ByteString> encoded, List<MetadataEntry> metadata,
                                                    boolean firstAttempt) {
        Request r = new Request(spans, encoded, metadata, firstAttempt);
        if (closed) {
            r.result.completeExceptionally(new IOException("span store is closed"));
            return r.result;
        }
        if (spans.isEmpty() && metadata.isEmpty()) {
            r.result.complete(List.of());
            return r.result;
        }
        queue.add(r);
        if (closed && queue.remove(r)) {
            r.result.completeExceptionally(new IOException("span store is closed"));
        }
        return r.result;
    }

    /** Groups written (or attempted) so far. */
    public long groupsCommitted() {
        return groups.get();
    }

    /** Requests written (or attempted) in those groups: divided by {@link #groupsCommitted}, the average group. */
    public long requestsCommitted() {
        return groupedRequests.get();
    }

    /** Writes what is queued, then stops the committer threads; later calls fail. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : committers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Request r; (r = queue.poll()) != null; ) {
            r.result.completeExceptionally(new IOException("span store is closed"));
        }
        tracesWriter.shutdown();
    }

    private void commitLoop() {
        List<Request> group = new ArrayList<>();
        while (true) {
            Request first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            group.add(first);
            int spans = first.spans.size();
            for (Request r; spans < MAX_GROUP_SPANS && (r = queue.poll()) != null; ) {
                group.add(r);
                spans += r.spans.size();
            }
            groups.incrementAndGet();
            groupedRequests.addAndGet(group.size());
            try {
                commit(group);
            } catch (Throwable e) {
                for (Request r : group) {
                    r.result.completeExceptionally(e);
                }
            }
            group.clear();
        }
    }

    /** Writes one group and completes its requests. */
    private void commit(List<Request> group) throws IOException {
        List<MetadataEntry> metadata = new ArrayList<>();
        for (Request r : group) {
            metadata.addAll(r.metadata);
        }
        storeMetadata(metadata);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        List<SpanKey> claimed = new ArrayList<>();
        List<Span> candidates = new ArrayList<>();
        List<ByteString> candidateBytes = new ArrayList<>();
        List<Request> owners = new ArrayList<>();
        int toCheck = 0;
        try {
            Map<SpanKey, Boolean> inGroup = new HashMap<>();
            for (Request r : group) {
                for (int i = 0; i < r.spans.size(); i++) {
                    Span s = r.spans.get(i);
                    SpanKey k = new SpanKey(s);
                    if (inGroup.putIfAbsent(k, Boolean.TRUE) != null) {
                        continue; // the same span twice in this group: stored and counted once, by its first request
                    }
                    CompletableFuture<Void> other = inflight.putIfAbsent(k, mine);
                    if (other == null) {
                        claimed.add(k);
                        candidates.add(s);
                        candidateBytes.add(r.encoded == null ? null : r.encoded.get(i));
                        owners.add(r);
                        if (!r.firstAttempt) {
                            toCheck++;
                        }
                    } else {
                        r.others.add(other);
                    }
                }
            }
            if (!candidates.isEmpty()) {
                writeGroup(candidates, candidateBytes, owners, toCheck);
            }
            mine.complete(null);
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            for (SpanKey k : claimed) {
                inflight.remove(k, mine);
            }
        }
        for (Request r : group) {
            complete(r);
        }
    }

    /**
     * The traces cells of every candidate and, at the same time, the existence check of their index
     * rows; then the index rows of the candidates whose row was absent (those are the new spans). A
     * candidate whose index row exists was fully stored before: its traces cell is rewritten with
     * the same bytes (a resend; rare) and it is not new.
     */
    private void writeGroup(List<Span> candidates, List<ByteString> encoded, List<Request> owners, int toCheck) throws IOException {
        List<byte[]> indexRows = new ArrayList<>(candidates.size());
        List<Get> checks = new ArrayList<>(toCheck);
        List<Put> traces = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Span s = candidates.get(i);
            ByteString bytes = encoded.get(i);
            byte[] traceId = s.getTraceId().toByteArray();
            byte[] row = RowKeys.indexRow(hash(s.getApplicationName()), s.getStartTime(), traceId, s.getSpanId());
            indexRows.add(row);
            if (!owners.get(i).firstAttempt) {
                checks.add(new Get(row).addColumn(Tables.INDEX_CF, Tables.IDX_FILTER).setCheckExistenceOnly(true));
            }
            traces.add(new Put(traceId).addColumn(Tables.TRACES_CF, spanQualifier(s),
                    bytes == null ? s.toByteArray() : bytes.toByteArray()));
        }
        Runnable writeTraces = () -> {
            try (Table t = connection.getTable(Tables.TRACES)) {
                t.put(traces);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        CompletableFuture<Void> tracesWritten;
        if (checks.isEmpty()) {
            // nothing to check meanwhile (first attempts only): no hand-off to another thread
            tracesWritten = new CompletableFuture<>();
            try {
                writeTraces.run();
                tracesWritten.complete(null);
            } catch (RuntimeException | Error e) {
                tracesWritten.completeExceptionally(e);
            }
        } else {
            tracesWritten = CompletableFuture.runAsync(writeTraces, tracesWriter);
        }
        boolean[] exists = new boolean[candidates.size()];
        try {
            if (!checks.isEmpty()) {
                boolean[] found;
                try (Table t = connection.getTable(Tables.TRACE_INDEX)) {
                    found = t.exists(checks);
                }
                for (int i = 0, c = 0; i < exists.length; i++) {
                    if (!owners.get(i).firstAttempt) {
                        exists[i] = found[c++];
                    }
                }
            }
        } finally {
            // never go on (or fail) before the traces write is over: the index row is the commit mark
            try {
                tracesWritten.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable c = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                throw c instanceof IOException io ? io : new IOException(c);
            }
        }
        List<Put> index = new ArrayList<>(candidates.size());
        for (int i = 0; i < exists.length; i++) {
            if (!exists[i]) {
                Span s = candidates.get(i);
                owners.get(i).fresh.add(s);
                index.add(indexPut(indexRows.get(i), s, hash(s.getAgentId())));
            }
        }
        if (!index.isEmpty()) {
            List<Span> indexed = new ArrayList<>(index.size());
            for (int i = 0; i < exists.length; i++) {
                if (!exists[i]) {
                    indexed.add(candidates.get(i));
                }
            }
            try (Table t = connection.getTable(Tables.TRACE_INDEX)) {
                t.put(index);
            } catch (org.apache.hadoop.hbase.client.RetriesExhaustedWithDetailsException e) {
                // rows of the other regions are durable and indexed: a resend will not find them
                // new, so they are counted now, whatever happens to this request
                java.util.Set<Object> failed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (int i = 0; i < e.getNumExceptions(); i++) {
                    failed.add(e.getRow(i));
                }
                List<Span> written = new ArrayList<>();
                for (int i = 0; i < index.size(); i++) {
                    if (!failed.contains(index.get(i))) {
                        written.add(indexed.get(i));
                    }
                }
                stored(written);
                throw e;
            }
            stored(indexed);
        }
    }

    /** Tells the listener about spans whose index row was just written (each span once, ever). */
    private void stored(List<Span> spans) {
        java.util.function.Consumer<List<Span>> l = listener;
        if (l != null && !spans.isEmpty()) {
            l.accept(spans);
        }
    }

    /**
     * Called with the new spans of each group as soon as their index rows are durable, even when
     * the requests that carried them then fail (a concurrent delivery of some of their spans
     * failed, or part of the group's index write failed): the place to count them on the server
     * map, since a resend will not report them new again.
     */
    public void onStored(java.util.function.Consumer<List<Span>> listener) {
        this.listener = listener;
    }

    /**
     * Completes a request whose own claims are durable: at once, or (when a concurrent delivery
     * claimed some of its spans) once those deliveries are durable too, so that its ack also means
     * durable. Never blocks a committer, so two groups never wait for each other.
     */
    private static void complete(Request r) {
        List<Span> fresh = List.copyOf(r.fresh);
        if (r.others.isEmpty()) {
            r.result.complete(fresh);
            return;
        }
        CompletableFuture.allOf(r.others.toArray(new CompletableFuture<?>[0]))
                .orTimeout(2, TimeUnit.MINUTES)
                .whenComplete((v, e) -> {
                    if (e == null) {
                        r.result.complete(fresh);
                    } else {
                        r.result.completeExceptionally(new IOException("a concurrent delivery of the same spans failed", e));
                    }
                });
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
            if (storedMetadata.containsKey(key) || keys.contains(key)) {
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

    private byte[] hash(String name) {
        byte[] h = hashes.get(name);
        if (h == null) {
            if (hashes.size() > HASH_CACHE_MAX) {
                hashes.clear();
            }
            h = RowKeys.hash(name);
            hashes.put(name, h);
        }
        return h;
    }

    private byte[] spanQualifier(Span s) {
        byte[] q = new byte[RowKeys.HASH_LENGTH + 8];
        System.arraycopy(hash(s.getAgentId()), 0, q, 0, RowKeys.HASH_LENGTH);
        RowKeys.putLong(q, RowKeys.HASH_LENGTH, s.getSpanId());
        return q;
    }

    static Put indexPut(Span s) {
        return indexPut(RowKeys.indexRow(s.getApplicationName(), s.getStartTime(), s.getTraceId().toByteArray(), s.getSpanId()), s,
                RowKeys.hash(s.getAgentId()));
    }

    /**
     * The span's index row: one cell, the filter fields, URI and details together (see
     * {@link IndexCell}; rows of older releases have the details in a second cell, and readers take
     * both). {@code agentHash} is {@link RowKeys#hash} of the span's agent id, cached by the caller.
     */
    static Put indexPut(byte[] row, Span s, byte[] agentHash) {
        byte[] ip = s.getClientIp().isEmpty() ? null : IpRanges.toBytes(s.getClientIp());
        // the details are a Span message holding only what the transaction list shows
        Span.Builder d = Span.newBuilder().setAgentId(s.getAgentId()).setClientIp(s.getClientIp())
                .setMethod(s.getMethod()).setUriTemplate(s.getUriTemplate()).setStatus(s.getStatus());
        if (s.hasException()) {
            d.setException(ExceptionInfo.newBuilder().setClassName(s.getException().getClassName())
                    .setMessage(s.getException().getMessage()));
        }
        byte[] value = IndexCell.encode(s.getElapsed(), s.getError(), ip, agentHash, s.getUri(), d.build().toByteArray());
        return new Put(row).addColumn(Tables.INDEX_CF, Tables.IDX_FILTER, value);
    }

    /** For logs: "traceId/spanId". */
    public static String describe(Span s) {
        return (s.getTraceId().size() == 16 ? TraceIds.traceIdHex(s.getTraceId().toByteArray()) : "?")
                + "/" + TraceIds.spanIdHex(s.getSpanId());
    }
}
