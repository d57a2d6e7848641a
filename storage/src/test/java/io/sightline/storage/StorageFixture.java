package io.sightline.storage;

import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.IndexCell;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;

/** One connection to the shared test HBase with the schema applied, and span builders. */
public final class StorageFixture {
    private static Connection connection;
    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() & 0xffffffL);

    private StorageFixture() {
    }

    public static synchronized Connection connection() {
        if (connection == null) {
            try {
                connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
                SchemaTool.apply(connection, 14, false, l -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return connection;
    }

    /** A fresh random-looking trace id. */
    public static byte[] traceId() {
        byte[] b = new byte[16];
        new java.util.Random(IDS.incrementAndGet()).nextBytes(b);
        b[0] |= 1;
        return b;
    }

    public static long spanId() {
        return IDS.incrementAndGet() * 0x9E3779B97F4A7C15L | 1;
    }

    public static Span.Builder span(String app, String agent, byte[] traceId, long spanId, long start, int elapsed) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(spanId).setAgentId(agent)
                .setApplicationName(app).setAgentStartTime(1_000).setServiceType("TOMCAT").setStartTime(start)
                .setElapsed(elapsed).setMethod("GET").setUri("/owners/1").setClientIp("127.0.0.1").setStatus(200);
    }

    public static SpanEvent.Builder event(int seq, int depth, int offset, int elapsed, String type) {
        return SpanEvent.newBuilder().setSequence(seq).setDepth(depth).setStartOffset(offset).setElapsed(elapsed)
                .setServiceType(type);
    }

    public static BindValue bind(String v) {
        return v == null ? BindValue.newBuilder().setNull(true).build() : BindValue.newBuilder().setValue(v).build();
    }

    /**
     * Stores a span as releases before the one-cell index row did: its traces cell, then an index
     * row of two cells (the filter cell ending with the URI, and the details in a cell of their
     * own). Readers must keep answering such rows exactly as rows written today.
     */
    public static void storeAsOlderRelease(Span s) throws IOException {
        byte[] traceId = s.getTraceId().toByteArray();
        byte[] ip = s.getClientIp().isEmpty() ? null : io.sightline.storage.query.IpRanges.toBytes(s.getClientIp());
        Span.Builder details = Span.newBuilder().setAgentId(s.getAgentId()).setClientIp(s.getClientIp())
                .setMethod(s.getMethod()).setUriTemplate(s.getUriTemplate()).setStatus(s.getStatus());
        if (s.hasException()) {
            details.setException(exception(s.getException().getClassName(), s.getException().getMessage()));
        }
        try (var traces = connection().getTable(Tables.TRACES); var index = connection().getTable(Tables.TRACE_INDEX)) {
            traces.put(new Put(traceId).addColumn(Tables.TRACES_CF, RowKeys.spanQualifier(s.getAgentId(), s.getSpanId()),
                    s.toByteArray()));
            index.put(new Put(RowKeys.indexRow(s.getApplicationName(), s.getStartTime(), traceId, s.getSpanId()))
                    .addColumn(Tables.INDEX_CF, Tables.IDX_FILTER,
                            IndexCell.encode(s.getElapsed(), s.getError(), ip, s.getAgentId(), s.getUri()))
                    .addColumn(Tables.INDEX_CF, Tables.IDX_DETAILS, details.build().toByteArray()));
        }
    }

    public static ExceptionInfo exception(String cls, String msg) {
        return ExceptionInfo.newBuilder().setClassName(cls).setMessage(msg).build();
    }
}
