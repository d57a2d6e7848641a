package io.sightline.storage.read;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.ScatterCells;
import io.sightline.hbase.schema.SchemaSteps;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.storage.query.DensityCounts;
import io.sightline.storage.query.ScatterPage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/** Reads the scatter density pre-aggregated at ingest: one range scan of (application, bucket) rows. */
final class DensityReader {
    /** Points of a (bucket, row) cell are returned when it holds at most this many spans. */
    static final int EXACT_PER_CELL = 2;
    private final Connection connection;
    private volatile long since = -1;

    DensityReader(Connection connection) {
        this.connection = connection;
    }

    DensityCounts read(String application, long from, long to) throws IOException {
        if (from % ScatterCells.BUCKET_MS != 0 || to % ScatterCells.BUCKET_MS != 0 || from > to) {
            throw new IllegalArgumentException("from and to must be whole buckets of " + ScatterCells.BUCKET_MS + " ms");
        }
        long since = since();
        List<DensityCounts.Cell> cells = new ArrayList<>();
        List<ScatterPage.Point> points = new ArrayList<>();
        if (from == to || since == Long.MAX_VALUE) {
            return new DensityCounts(from, to, since, cells, points);
        }
        byte[] app = RowKeys.hash(application);
        Scan scan = new Scan().withStartRow(ScatterCells.rowKey(app, from), true)
                .withStopRow(ScatterCells.rowKey(app, to), false)
                .addFamily(Tables.DENSITY_CF).readVersions(1).setCaching(64);
        try (Table t = connection.getTable(Tables.SCATTER_DENSITY); ResultScanner scanner = t.getScanner(scan)) {
            for (Result r : scanner) {
                readRow(r, cells, points);
            }
        }
        return new DensityCounts(from, to, since, cells, points);
    }

    private static void readRow(Result r, List<DensityCounts.Cell> cells, List<ScatterPage.Point> points) {
        long bucket = ScatterCells.bucketOf(r.getRow());
        TreeMap<Integer, long[]> counts = new TreeMap<>();
        // kept raw: most cells turn out dense once the row's flushes are summed, and their points
        // are dropped, so the hex id and the point object are made only for the cells that stay sparse
        Map<Integer, List<ScatterCells.Point>> exact = new HashMap<>();
        ScatterCells.Visitor v = new ScatterCells.Visitor() {
            @Override
            public void count(int cellKey, long count) {
                counts.computeIfAbsent(ScatterCells.cellRow(cellKey), k -> new long[2])[cellKey & 1] += count;
            }

            @Override
            public void point(ScatterCells.Point p) {
                exact.computeIfAbsent(ScatterCells.cellRow(p.cellKey()), k -> new ArrayList<>(2)).add(p);
            }
        };
        for (Cell c : r.rawCells()) {
            if (c.getQualifierLength() == ScatterCells.FLUSH_QUALIFIER_LENGTH
                    && c.getQualifierArray()[c.getQualifierOffset()] == ScatterCells.FLUSH) {
                ScatterCells.unpack(c.getValueArray(), c.getValueOffset(), c.getValueLength(), bucket, v);
            }
        }
        for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
            long[] n = e.getValue();
            cells.add(new DensityCounts.Cell(bucket, e.getKey(), n[0], n[1]));
            if (n[0] + n[1] <= EXACT_PER_CELL) {
                List<ScatterCells.Point> kept = exact.get(e.getKey());
                if (kept != null) {
                    for (ScatterCells.Point p : kept) {
                        points.add(new ScatterPage.Point(TraceIds.traceIdHex(p.traceId()), p.agentId(), p.startTime(),
                                p.elapsed(), ScatterCells.cellError(p.cellKey())));
                    }
                }
            }
        }
    }

    /** From when the aggregate holds every span (whole buckets); looked up again while there is none. */
    private long since() throws IOException {
        long s = since;
        if (s == -1) {
            long raw = SchemaSteps.scatterDensitySince(connection);
            if (raw == Long.MAX_VALUE) {
                return raw;
            }
            s = raw == Long.MIN_VALUE ? Long.MIN_VALUE : ScatterCells.bucket(raw) + ScatterCells.BUCKET_MS;
            since = s;
        }
        return s;
    }
}
