package io.sightline.storage.write;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.Texts;
import io.sightline.storage.query.IpRanges;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.CheckAndMutateResult;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Stores span batches. Idempotent per (trace id, span id): the traces cell is written with "put
 * if absent", and only the spans that were absent are reported as new, so a resent batch is
 * stored once and counted once on the server map. Methods return only once the data is durable
 * (HBase acknowledges a put after its write-ahead log is synced).
 */
public final class SpanStore {
    private static final int METADATA_CACHE_MAX = 100_000;
    private final Connection connection;
    /** Metadata rows known to be stored; texts never change for an id, so this never goes stale. */
    private final Map<Long, Boolean> storedMetadata = new ConcurrentHashMap<>();

    public SpanStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Stores metadata and spans; returns the spans that were not stored before (in input order).
     * The index rows are written before the traces cells: the traces cell is the commit mark, so a
     * batch that fails half way and is resent still gets its index rows.
     */
    public List<Span> store(List<Span> spans, List<MetadataEntry> metadata) throws IOException {
        storeMetadata(metadata);
        if (spans.isEmpty()) {
            return List.of();
        }
        List<Put> index = new ArrayList<>(spans.size());
        List<CheckAndMutate> traces = new ArrayList<>(spans.size());
        for (Span s : spans) {
            index.add(indexPut(s));
            byte[] row = s.getTraceId().toByteArray();
            byte[] q = RowKeys.spanQualifier(s.getAgentId(), s.getSpanId());
            traces.add(CheckAndMutate.newBuilder(row).ifNotExists(Tables.TRACES_CF, q)
                    .build(new Put(row).addColumn(Tables.TRACES_CF, q, s.toByteArray())));
        }
        try (Table t = connection.getTable(Tables.TRACE_INDEX)) {
            t.put(index);
        }
        List<CheckAndMutateResult> results;
        try (Table t = connection.getTable(Tables.TRACES)) {
            results = t.checkAndMutate(traces);
        }
        List<Span> fresh = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            if (results.get(i).isSuccess()) {
                fresh.add(spans.get(i));
            }
        }
        return fresh;
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
        Put p = new Put(row);
        byte[] cf = Tables.INDEX_CF;
        p.addColumn(cf, Tables.IDX_ELAPSED, RowKeys.longBytes(Math.max(0, s.getElapsed())));
        p.addColumn(cf, Tables.IDX_ERROR, new byte[] {(byte) (s.getError() ? 1 : 0)});
        p.addColumn(cf, Tables.IDX_AGENT, Bytes.toBytes(s.getAgentId()));
        p.addColumn(cf, Tables.IDX_URI, Bytes.toBytes(s.getUri()));
        p.addColumn(cf, Tables.IDX_STATUS, Bytes.toBytes(s.getStatus()));
        if (!s.getUriTemplate().isEmpty()) {
            p.addColumn(cf, Tables.IDX_URI_TEMPLATE, Bytes.toBytes(s.getUriTemplate()));
        }
        if (!s.getMethod().isEmpty()) {
            p.addColumn(cf, Tables.IDX_METHOD, Bytes.toBytes(s.getMethod()));
        }
        if (!s.getClientIp().isEmpty()) {
            p.addColumn(cf, Tables.IDX_CLIENT_IP_TEXT, Bytes.toBytes(s.getClientIp()));
            byte[] ip = IpRanges.toBytes(s.getClientIp());
            if (ip != null) {
                p.addColumn(cf, Tables.IDX_CLIENT_IP, ip);
            }
        }
        String ex = Texts.exception(s);
        if (ex != null) {
            p.addColumn(cf, Tables.IDX_EXCEPTION, Bytes.toBytes(ex));
        }
        return p;
    }

    /** For logs: "traceId/spanId". */
    public static String describe(Span s) {
        return (s.getTraceId().size() == 16 ? TraceIds.traceIdHex(s.getTraceId().toByteArray()) : "?")
                + "/" + TraceIds.spanIdHex(s.getSpanId());
    }
}
