package io.sightline.storage.write;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.ScatterCells;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.v1.Span;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;

/**
 * Pre-aggregates the scatter at ingest (see {@link ScatterCells}): counts spans per application,
 * 5 s bucket, outcome and logarithmic elapsed row in memory and writes, at each flush, one packed
 * cell per bucket touched, under a qualifier of its own (this writer's id + flush number), so
 * that any number of collectors add up and a retried flush overwrites itself instead of counting
 * twice. A cell that got at most {@link ScatterCells#EXACT_PER_FLUSH} spans since the last flush
 * also carries them, so that the web can return the points of sparse cells (the outliers)
 * individually from the same rows. Memory is bounded by the cells touched between two flushes.
 */
public final class ScatterDensityWriter {
    private final Connection connection;
    private final long writerId = new SecureRandom().nextLong();
    private long flushes;
    private Map<Key, Map<Integer, Cell>> pending = new HashMap<>();
    /** Puts of a failed flush, written again as they are (same qualifiers) by the next one. */
    private List<Put> failed = new ArrayList<>();
    private final SpanCountingQueue incoming = new SpanCountingQueue(this, this::countSpans);

    public ScatterDensityWriter(Connection connection) {
        this.connection = connection;
    }

    private record Key(String application, long bucket) {
    }

    private static final class Cell {
        long count;
        final Span[] first = new Span[ScatterCells.EXACT_PER_FLUSH];

        void add(Span s) {
            if (count < first.length) {
                first[(int) count] = s;
            }
            count++;
        }
    }

    /**
     * Counts new spans (never a span seen before: see {@link SpanStore#store}). As in
     * {@link MapStatsAggregator#add}, never waits for another counting thread: lists are queued and
     * counted by whichever caller is counting already; flush and {@link #pendingRows} count the
     * queue first.
     */
    public void add(List<Span> spans) {
        incoming.add(spans);
    }

    private void countSpans(List<Span> spans) {
        for (Span s : spans) {
            int cell = ScatterCells.cellKey(s.getError(), ScatterCells.row(s.getElapsed()));
            pending.computeIfAbsent(new Key(s.getApplicationName(), ScatterCells.bucket(s.getStartTime())), k -> new HashMap<>())
                    .computeIfAbsent(cell, k -> new Cell()).add(s);
        }
    }

    /** Buckets waiting for the next flush (failed ones included). */
    public synchronized int pendingRows() {
        incoming.drain();
        return pending.size() + failed.size();
    }

    /** Writes what was counted since the last flush; a failed write is retried, unchanged, by the next one. */
    public void flush() throws IOException {
        Map<Key, Map<Integer, Cell>> batch;
        List<Put> puts;
        long flush;
        synchronized (this) {
            incoming.drain();
            if (pending.isEmpty() && failed.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
            puts = failed;
            failed = new ArrayList<>();
            flush = ++flushes;
        }
        byte[] qualifier = ScatterCells.flushQualifier(writerId, flush);
        Map<String, byte[]> appHashes = new HashMap<>();
        for (Map.Entry<Key, Map<Integer, Cell>> e : batch.entrySet()) {
            Key k = e.getKey();
            Map<Integer, Cell> cells = e.getValue();
            int[] keys = new int[cells.size()];
            long[] counts = new long[cells.size()];
            List<ScatterCells.Point> points = new ArrayList<>();
            int i = 0;
            for (Map.Entry<Integer, Cell> c : cells.entrySet()) {
                keys[i] = c.getKey();
                counts[i] = c.getValue().count;
                i++;
                if (c.getValue().count <= ScatterCells.EXACT_PER_FLUSH) {
                    for (Span s : c.getValue().first) {
                        if (s != null) {
                            points.add(new ScatterCells.Point(c.getKey(), s.getTraceId().toByteArray(), s.getSpanId(),
                                    s.getStartTime(), s.getElapsed(), s.getAgentId()));
                        }
                    }
                }
            }
            byte[] row = ScatterCells.rowKey(appHashes.computeIfAbsent(k.application, RowKeys::hash), k.bucket);
            puts.add(new Put(row).addColumn(Tables.DENSITY_CF, qualifier, ScatterCells.pack(k.bucket, keys, counts, i, points)));
        }
        Object[] results = new Object[puts.size()];
        IOException failure = null;
        try (Table t = connection.getTable(Tables.SCATTER_DENSITY)) {
            t.batch(puts, results);
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException(e);
        }
        synchronized (this) {
            for (int i = 0; i < puts.size(); i++) {
                if (results[i] == null || results[i] instanceof Throwable) {
                    failed.add(puts.get(i));
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
