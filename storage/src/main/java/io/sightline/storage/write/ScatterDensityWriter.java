package io.sightline.storage.write;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.ScatterCells;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.v1.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Increment;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Row;
import org.apache.hadoop.hbase.client.Table;

/**
 * Pre-aggregates the scatter at ingest (see {@link ScatterCells}): counts spans per application,
 * 5 s bucket, outcome and logarithmic elapsed row in memory and flushes them as HBase increments,
 * so any number of collectors add up. A cell that got at most {@link ScatterCells#EXACT_PER_FLUSH}
 * spans since the last flush also writes them, so that the web can return the points of sparse
 * cells (the outliers) individually from the same rows. Memory is bounded by the cells touched
 * between two flushes, not by the number of spans.
 */
public final class ScatterDensityWriter {
    private final Connection connection;
    private Map<Key, Map<Integer, Cell>> pending = new HashMap<>();

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

        void merge(Cell o) {
            // a re-queued cell keeps its count; its points no longer prove sparseness
            count += o.count;
            java.util.Arrays.fill(first, null);
        }
    }

    /** Counts new spans (never a span seen before: see {@link SpanStore#store}). */
    public synchronized void add(List<Span> spans) {
        for (Span s : spans) {
            int cell = cellKey(s.getError(), ScatterCells.row(s.getElapsed()));
            pending.computeIfAbsent(new Key(s.getApplicationName(), ScatterCells.bucket(s.getStartTime())), k -> new HashMap<>())
                    .computeIfAbsent(cell, k -> new Cell()).add(s);
        }
    }

    private static int cellKey(boolean error, int row) {
        return (error ? 1 << 16 : 0) | row;
    }

    /** Rows (application, bucket) waiting for the next flush. */
    public synchronized int pendingRows() {
        return pending.size();
    }

    /**
     * Writes what was counted since the last flush; what fails is kept for the next one
     * (increments carry nonces, so the client's own retries never double count).
     */
    public void flush() throws IOException {
        Map<Key, Map<Integer, Cell>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        List<Row> actions = new ArrayList<>(batch.size() * 2);
        List<Key> keys = new ArrayList<>(batch.size() * 2);
        Map<String, byte[]> appHashes = new HashMap<>();
        for (Map.Entry<Key, Map<Integer, Cell>> e : batch.entrySet()) {
            Key k = e.getKey();
            byte[] row = ScatterCells.rowKey(appHashes.computeIfAbsent(k.application, RowKeys::hash), k.bucket);
            Increment inc = new Increment(row);
            Put points = new Put(row);
            for (Map.Entry<Integer, Cell> c : e.getValue().entrySet()) {
                boolean error = (c.getKey() >>> 16) == 1;
                int r = c.getKey() & 0xffff;
                Cell cell = c.getValue();
                inc.addColumn(Tables.DENSITY_CF, ScatterCells.countQualifier(error, r), cell.count);
                if (cell.count <= ScatterCells.EXACT_PER_FLUSH) {
                    for (Span s : cell.first) {
                        if (s != null) {
                            points.addColumn(Tables.DENSITY_CF,
                                    ScatterCells.pointQualifier(error, r, s.getTraceId().toByteArray(), s.getSpanId()),
                                    ScatterCells.pointValue(s.getStartTime(), Math.max(0, s.getElapsed()), s.getAgentId()));
                        }
                    }
                }
            }
            // points first: a reader that sees a sparse count also finds its points
            if (!points.isEmpty()) {
                actions.add(points);
                keys.add(k);
            }
            actions.add(inc);
            keys.add(k);
        }
        Object[] results = new Object[actions.size()];
        IOException failure = null;
        try (Table t = connection.getTable(Tables.SCATTER_DENSITY)) {
            t.batch(actions, results);
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException(e);
        }
        synchronized (this) {
            for (int i = 0; i < actions.size(); i++) {
                boolean ok = results[i] != null && !(results[i] instanceof Throwable);
                if (!ok && actions.get(i) instanceof Increment) {
                    Map<Integer, Cell> target = pending.computeIfAbsent(keys.get(i), x -> new HashMap<>());
                    batch.get(keys.get(i)).forEach((cell, c) -> target.computeIfAbsent(cell, x -> new Cell()).merge(c));
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
