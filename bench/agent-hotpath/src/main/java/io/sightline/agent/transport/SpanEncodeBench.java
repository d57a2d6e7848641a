package io.sightline.agent.transport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.Tracer;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.SpanBatch;

/**
 * The sender's work per span: a batch of 200 spans like the bench application's (two SQL events
 * with a bind, one HTTP call) encoded to protobuf bytes, metadata already acknowledged (steady
 * state), with the generated classes ({@code encodeBatchOf200}, the reference) and with the
 * direct writer the sender uses ({@code writeBatchOf200}). Reported per batch; divide by 200 for
 * a span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpanEncodeBench {
    static final int BATCH = 200;
    private SpanEncoder encoder;
    private SpanBatchWriter writer;
    private final SpanBatchWriter.Batch encoded = new SpanBatchWriter.Batch();
    private AgentRef agent;
    private final List<SpanRecord> spans = new ArrayList<SpanRecord>();

    @Setup
    public void setUp() throws Exception {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "bench";
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(BATCH);
        Tracer tracer = new Tracer(s, backlog, new TransactionStats());
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:encode;DB_CLOSE_DELAY=-1")) {
            try (Statement st = c.createStatement()) {
                st.execute("create table if not exists items(id int primary key, name varchar(50))");
            }
            PreparedStatement ps = c.prepareStatement("select name from items where id = ?");
            tracer.jdbcPrepared(ps, "select name from items where id = ?");
            for (int i = 0; i < BATCH; i++) {
                Object scope = tracer.serverEnter("TOMCAT", "GET", "/work", "127.0.0.1:8080", "http", "127.0.0.1",
                        null, null, null, null, null);
                for (int q = 0; q < 2; q++) {
                    tracer.jdbcBind(ps, 1, Integer.valueOf(i));
                    tracer.jdbcExit(tracer.jdbcEnter(ps, "executeQuery", null), null);
                }
                Object call = tracer.httpClientEnter(new Object(), "HttpURLConnection", "GET",
                        "http://inventory.internal:8081/stock/" + i, false);
                tracer.outgoingHeaders(call);
                tracer.httpClientExit(call, 200, null, true);
                tracer.serverExit(scope, 200, null, null);
            }
        }
        backlog.drainTo(spans, BATCH);
        agent = AgentRef.newBuilder().setAgentId("bench-1").setApplicationName("bench").setAgentStartTime(1L).build();
        encoder = new SpanEncoder(new MetadataTracker(50_000));
        SpanBatch first = encoder.batch(agent, spans, 0);
        encoder.acknowledged(first.getMetadataList());
        writer = new SpanBatchWriter(new MetadataTracker(50_000));
        writer.acknowledged(first.getMetadataList());
    }

    /** What the sender does since the direct writer: the same bytes, no message objects. */
    @Benchmark
    public int writeBatchOf200() {
        writer.write(agent, spans, 0, encoded);
        return encoded.length;
    }

    @Benchmark
    public byte[] encodeBatchOf200() {
        return encoder.batch(agent, spans, 0).toByteArray();
    }
}
