package io.sightline.web;

import com.google.protobuf.ByteString;
import io.sightline.collector.Collector;
import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ActiveRequest;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.PoolStat;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.webdev.TestAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The traffic every web test reads, sent once through the real collector as agents send it
 * (protobuf batches over gRPC). All of it lies in the minute starting at {@link #t}, ten minutes
 * ago, so that no retention or clock edge can move it.
 *
 * <pre>
 * petstore (TOMCAT), agents petstore-1 (running, command stream open) and petstore-2 (shut down)
 *   A  t+1000  GET /owners/1   35 ms  10.0.0.7      SQL on petdb (binds "1", NULL), HTTP call into
 *                                                   inventory (GET /stock/1, SQL on invdb)
 *   B  t+2000  GET /owners   1500 ms  10.0.0.8      SQL on petdb, no binds
 *   C  t+3000  POST /fail      12 ms  10.0.0.7      500, exception with markup, failing SQL
 *   D  t+4000  GET /slow     5200 ms  192.168.1.20  on petstore-2
 *   E  t+5000  GET /search   3500 ms  ::1           HTTP call to api.example.com:443 answering 503
 * inventory (TOMCAT), agent inventory-1: only A's downstream span
 * </pre>
 */
final class KnownData implements AutoCloseable {
    static final String PETSTORE = "petstore";
    static final String INVENTORY = "inventory";
    static final String TX_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TX_B = "0af7651916cd43dd8448eb211c80319c";
    static final String TX_C = "5e1a2c3b4d5e6f708192a3b4c5d6e7f8";
    static final String TX_D = "a0b1c2d3e4f5061728394a5b6c7d8e9f";
    static final String TX_E = "11223344556677889900aabbccddeeff";
    /** A request in flight on petstore-1, as its command stream reports it. */
    static final String TX_LIVE = "77777777777777777777777777777777";
    static final String XSS = "<script>window.__sightlineXss=1</script>";
    static final String SQL_OWNER = "select * from owners where id = ?";
    static final String SQL_OWNERS = "select * from owners";
    static final String SQL_PAY = "update orders set state = ? where id = ?";
    static final String SQL_STOCK = "select quantity from stock where item_id = ?";
    static final long AGENT_START = 1_700_000_000_000L;

    /** Start of the data's minute. */
    final long t;
    /** When petstore-2 was shut down (its lastSeen lies in between). */
    final long shutdownFrom;
    final long shutdownTo;
    final TestAgent petstore1;
    final TestAgent petstore2;
    final TestAgent inventory1;

    private KnownData(long t, long shutdownFrom, long shutdownTo, TestAgent petstore1, TestAgent petstore2,
                      TestAgent inventory1) {
        this.t = t;
        this.shutdownFrom = shutdownFrom;
        this.shutdownTo = shutdownTo;
        this.petstore1 = petstore1;
        this.petstore2 = petstore2;
        this.inventory1 = inventory1;
    }

    /** [from, to) of the data: its minute. */
    String window() {
        return "&from=" + t + "&to=" + (t + 60_000);
    }

    static AgentInfo info(String agentId, String application, String host, String ip, int pid) {
        return AgentInfo.newBuilder().setAgentId(agentId).setApplicationName(application).setServiceType("TOMCAT")
                .setHostname(host).setIp(ip).setPid(pid).setStartTime(AGENT_START).setJvmVersion("17.0.15")
                .setAgentVersion("0.1.0").build();
    }

    static KnownData write(Collector collector) {
        long t = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
        TestAgent p1 = new TestAgent(collector.port(), info("petstore-1", PETSTORE, "web-1", "10.0.0.1", 4242)).register();
        TestAgent p2 = new TestAgent(collector.port(), info("petstore-2", PETSTORE, "web-2", "10.0.0.2", 4343)).register();
        TestAgent inv = new TestAgent(collector.port(), info("inventory-1", INVENTORY, "inv-1", "10.0.0.3", 99)).register();

        long apiQuery = MetadataIds.of(MetadataEntry.Kind.API_VALUE, "PreparedStatement.executeQuery");
        long apiUpdate = MetadataIds.of(MetadataEntry.Kind.API_VALUE, "PreparedStatement.executeUpdate");
        long apiHttp = MetadataIds.of(MetadataEntry.Kind.API_VALUE, "HttpURLConnection.getInputStream");
        List<MetadataEntry> metadata = List.of(
                meta(MetadataEntry.Kind.API, "PreparedStatement.executeQuery"),
                meta(MetadataEntry.Kind.API, "PreparedStatement.executeUpdate"),
                meta(MetadataEntry.Kind.API, "HttpURLConnection.getInputStream"),
                meta(MetadataEntry.Kind.SQL, SQL_OWNER), meta(MetadataEntry.Kind.SQL, SQL_OWNERS),
                meta(MetadataEntry.Kind.SQL, SQL_PAY), meta(MetadataEntry.Kind.SQL, SQL_STOCK));

        Span a = span(TX_A, 0xa1, t + 1000, 35, "GET", "/owners/1", "10.0.0.7", 200)
                .setUriTemplate("/owners/{ownerId}")
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(4).setElapsed(2)
                        .setServiceType("H2").setApiId(apiQuery).setSqlId(sql(SQL_OWNER)).setDestination("petdb")
                        .addBindValues(BindValue.newBuilder().setValue("1"))
                        .addBindValues(BindValue.newBuilder().setNull(true)))
                .addEvents(SpanEvent.newBuilder().setSequence(2).setDepth(1).setStartOffset(10).setElapsed(20)
                        .setServiceType("HTTP_CLIENT").setApiId(apiHttp).setDestination("127.0.0.1:8081")
                        .setArgument("GET http://127.0.0.1:8081/stock/1").setStatus(200).setNextSpanId(0xb1))
                .build();
        Span b = span(TX_B, 0xa2, t + 2000, 1500, "GET", "/owners", "10.0.0.8", 200)
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(30).setElapsed(40)
                        .setServiceType("H2").setApiId(apiQuery).setSqlId(sql(SQL_OWNERS)).setDestination("petdb"))
                .build();
        Span c = span(TX_C, 0xa3, t + 3000, 12, "POST", "/fail", "10.0.0.7", 500)
                .setError(true).setException(ExceptionInfo.newBuilder().setClassName("java.lang.IllegalStateException")
                        .setMessage("checkout failed: " + XSS))
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(5).setElapsed(3)
                        .setServiceType("H2").setApiId(apiUpdate).setSqlId(sql(SQL_PAY)).setDestination("petdb")
                        .addBindValues(BindValue.newBuilder().setValue("paid"))
                        .addBindValues(BindValue.newBuilder().setValue("7"))
                        .setError(true).setException(ExceptionInfo.newBuilder()
                                .setClassName("org.h2.jdbc.JdbcSQLSyntaxErrorException")
                                .setMessage("Table \"ORDERS\" not found")))
                .build();
        Span d = span(TX_D, 0xa4, t + 4000, 5200, "GET", "/slow", "192.168.1.20", 200).build();
        Span e = span(TX_E, 0xa5, t + 5000, 3500, "GET", "/search", "::1", 200)
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(50).setElapsed(3400)
                        .setServiceType("HTTP_CLIENT").setApiId(apiHttp).setDestination("api.example.com:443")
                        .setArgument("GET https://api.example.com/q").setStatus(503).setError(true))
                .build();
        Span stock = span(TX_A, 0xb1, t + 1012, 15, "GET", "/stock/1", "127.0.0.1", 200)
                .setParentSpanId(0xa1).setParentApplication(PETSTORE).setParentServiceType("TOMCAT")
                .setEndpoint("127.0.0.1:8081")
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(2).setElapsed(3)
                        .setServiceType("H2").setApiId(apiQuery).setSqlId(sql(SQL_STOCK)).setDestination("invdb")
                        .addBindValues(BindValue.newBuilder().setValue("1")))
                .build();

        p1.send(List.of(a, b, c, e), metadata);
        p2.send(List.of(d), List.of());
        inv.send(List.of(stock), metadata);

        p1.sendStats(List.of(
                stat(t, 100_000_000, 0, 0, 0.25, 0.5, 20, 0, 2.5, 12.0).build(),
                stat(t + 5_000, 120_000_000, 2, 15, 0.5, 0.75, 22, 1, 4.0, 35.5)
                        .addPools(pool("HikariPool-1", 2, 8, 10, 1)).build(),
                stat(t + 10_000, 110_000_000, 1, 7, 0.125, 0.375, 21, 2, 0.5, 5200.0)
                        .addPools(pool("HikariPool-1", 0, 10, 10, 0)).build()));
        p1.connectCommands(() -> ActiveRequests.newBuilder()
                .addRequests(ActiveRequest.newBuilder().setUri("/fast").setStartTime(t + 30_000).setElapsed(5)
                        .setThreadName("http-nio-8080-exec-4"))
                .addRequests(ActiveRequest.newBuilder().setTraceId(ByteString.copyFrom(TraceIds.parseTraceId(TX_LIVE)))
                        .setUri("/slow").setStartTime(t + 20_000).setElapsed(8123).setThreadName("http-nio-8080-exec-3")
                        .addStack("java.lang.Thread.sleep(Native Method)")
                        .addStack("io.sightline.demo.ShopController.slow(ShopController.java:42)"))
                .build());

        long before = System.currentTimeMillis();
        p2.shutdown();
        long after = System.currentTimeMillis();
        try {
            collector.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        KnownData data = new KnownData(t, before, after, p1, p2, inv);
        data.awaitCommandStream(collector);
        return data;
    }

    private void awaitCommandStream(Collector collector) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (collector.liveAgents().activeRequests("petstore-1").isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("petstore-1's command stream did not reach the collector");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }

    private static MetadataEntry meta(MetadataEntry.Kind kind, String value) {
        return MetadataEntry.newBuilder().setKind(kind).setId(MetadataIds.of(kind.getNumber(), value)).setValue(value).build();
    }

    private static long sql(String text) {
        return MetadataIds.of(MetadataEntry.Kind.SQL_VALUE, text);
    }

    private static Span.Builder span(String traceId, long spanId, long start, int elapsed, String method, String uri,
                                     String clientIp, int status) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(TraceIds.parseTraceId(traceId))).setSpanId(spanId)
                .setServiceType("TOMCAT").setStartTime(start).setElapsed(elapsed).setMethod(method).setUri(uri)
                .setClientIp(clientIp).setStatus(status).setEndpoint("127.0.0.1:8080");
    }

    private static JvmStat.Builder stat(long ts, long heapUsed, long gcCount, long gcTime, double cpuProcess,
                                        double cpuSystem, int threads, int active, double tps, double responseTimeAvg) {
        return JvmStat.newBuilder().setTimestamp(ts).setInterval(5_000).setHeapUsed(heapUsed).setHeapMax(536_870_912L)
                .setNonHeapUsed(heapUsed / 2).setGcCount(gcCount).setGcTime(gcTime).setCpuProcess(cpuProcess)
                .setCpuSystem(cpuSystem).setThreads(threads).setActiveRequests(active).setTps(tps)
                .setResponseTimeAvg(responseTimeAvg);
    }

    private static PoolStat pool(String name, int active, int idle, int max, int pending) {
        return PoolStat.newBuilder().setName(name).setActive(active).setIdle(idle).setMax(max).setPending(pending).build();
    }

    @Override
    public void close() {
        petstore1.close();
        petstore2.close();
        inventory1.close();
    }
}
