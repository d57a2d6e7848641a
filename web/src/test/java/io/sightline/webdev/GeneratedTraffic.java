package io.sightline.webdev;

import com.google.protobuf.ByteString;
import io.sightline.protocol.MetadataIds;
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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Made-up traffic for UI work and the browser benchmark, sent through a real collector as
 * agents send it: application "shop" (agents shop-1, shop-2) calling its H2 database, the
 * instrumented "inventory" (PostgreSQL behind it) and an uninstrumented payments host; JVM
 * samples every 5 s with a connection pool. Elapsed times are log-normal around 30 ms with a
 * slow tail, rare outliers and 2% errors; one URL in a hundred carries markup.
 */
public final class GeneratedTraffic {
    public static final String APP = "shop";
    static final String[] SHOP_AGENTS = {"shop-1", "shop-2"};
    static final String[] URIS = {"/owners/1", "/owners/2", "/owners", "/vets", "/fail", "/slow",
            "/search/<script>window.__sightlineXss=1</script>"};
    static final String[] IPS = {"127.0.0.1", "10.0.0.5", "10.1.2.3", "192.168.1.20", "::1"};
    static final int BATCH = 2_000;

    private static final String SQL_OWNER = "select o.id, o.name from owners o where o.id = ? and o.city like ?";
    private static final String SQL_STOCK = "select qty from stock where item = ?";
    private static final String API_QUERY = "PreparedStatement.executeQuery";
    private static final String API_HTTP = "HttpURLConnection.getResponseCode";
    private static final List<MetadataEntry> METADATA = List.of(meta(MetadataEntry.Kind.SQL, SQL_OWNER),
            meta(MetadataEntry.Kind.SQL, SQL_STOCK), meta(MetadataEntry.Kind.API, API_QUERY),
            meta(MetadataEntry.Kind.API, API_HTTP));

    private GeneratedTraffic() {
    }

    static AgentInfo info(String agentId, String application, long start) {
        return AgentInfo.newBuilder().setAgentId(agentId).setApplicationName(application).setServiceType("TOMCAT")
                .setHostname("host-" + agentId).setIp("10.0.0." + (agentId.hashCode() & 0x3f))
                .setPid(4000 + (agentId.hashCode() & 0xfff)).setStartTime(start).setJvmVersion("17.0.15")
                .setAgentVersion("0.1.0").build();
    }

    /**
     * Registers the agents (started at {@code from}) and sends {@code n} shop transactions spread
     * over [from, to), with JVM samples; returns the agents, still connected.
     */
    public static List<TestAgent> write(int collectorPort, int n, long from, long to, java.io.PrintStream progress)
            throws Exception {
        List<TestAgent> agents = new ArrayList<>();
        for (String a : SHOP_AGENTS) {
            agents.add(new TestAgent(collectorPort, info(a, APP, from)).register());
        }
        TestAgent inventory = new TestAgent(collectorPort, info("inventory-1", "inventory", from)).register();
        agents.add(inventory);
        int threads = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong sent = new AtomicLong();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> parts = new ArrayList<>();
            int per = (n + threads - 1) / threads;
            for (int p = 0; p < threads; p++) {
                int lo = p * per;
                int hi = Math.min(n, lo + per);
                parts.add(pool.submit(() -> {
                    List<List<Span>> byAgent = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                    for (int i = lo; i < hi; i++) {
                        transaction(i, n, from, to, byAgent);
                        for (int k = 0; k < byAgent.size(); k++) {
                            if (byAgent.get(k).size() >= BATCH) {
                                agents.get(k).send(byAgent.get(k), METADATA);
                                byAgent.get(k).clear();
                            }
                        }
                        long s = sent.incrementAndGet();
                        if (progress != null && s % 100_000 == 0) {
                            progress.printf("[dev] %,d of %,d transactions sent (%.0f/s)%n", s, n,
                                    s / ((System.nanoTime() - t0) / 1e9));
                        }
                    }
                    for (int k = 0; k < byAgent.size(); k++) {
                        if (!byAgent.get(k).isEmpty()) {
                            agents.get(k).send(byAgent.get(k), METADATA);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long now = System.currentTimeMillis();
        for (int k = 0; k < SHOP_AGENTS.length; k++) {
            agents.get(k).sendStats(stats(SHOP_AGENTS[k], from, Math.min(to, now)));
        }
        return agents;
    }

    /** Transaction i of n: its shop span (and inventory span when it calls inventory) into byAgent. */
    static void transaction(int i, int n, long from, long to, List<List<Span>> byAgent) {
        SplittableRandom r = new SplittableRandom(0x5157L * 1_000_003L + i);
        double step = (double) (to - from) / Math.max(1, n);
        long start = to - 1 - (long) (i * step) - (step >= 2 ? r.nextLong((long) step) : 0);
        int u = r.nextInt(100) < 1 ? 6 : r.nextInt(6);
        String uri = URIS[u];
        double x = Math.exp(r.nextGaussian() * 0.6) * 30;
        if (uri.equals("/slow") || r.nextInt(1000) < 15) {
            x = 1000 + r.nextDouble() * 6000;
        }
        if (r.nextInt(100_000) < 5) {
            x = 8000 + r.nextDouble() * 22_000;
        }
        int elapsed = Math.max(3, (int) x);
        boolean error = uri.equals("/fail") || r.nextInt(100) < 2;
        int agent = r.nextInt(SHOP_AGENTS.length);
        byte[] trace = new byte[16];
        r.nextBytes(trace);
        trace[0] |= 1;
        long spanId = r.nextLong() | 1;
        int sql = Math.max(1, elapsed / 10);
        Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(spanId)
                .setServiceType("TOMCAT").setStartTime(start).setElapsed(elapsed).setMethod("GET").setUri(uri)
                .setClientIp(IPS[r.nextInt(IPS.length)]).setStatus(error ? 500 : 200).setError(error)
                .setEndpoint("127.0.0.1:8080")
                .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(1).setElapsed(sql)
                        .setServiceType("H2").setApiId(id(MetadataEntry.Kind.API, API_QUERY))
                        .setSqlId(id(MetadataEntry.Kind.SQL, SQL_OWNER)).setDestination("shopdb")
                        .addBindValues(BindValue.newBuilder().setValue(Integer.toString(i % 97)))
                        .addBindValues(BindValue.newBuilder().setNull(true)));
        if (uri.startsWith("/owners/")) {
            s.setUriTemplate("/owners/{ownerId}");
        }
        if (error) {
            s.setException(ExceptionInfo.newBuilder().setClassName(u == 6 ? "java.lang.IllegalArgumentException"
                    : "java.lang.IllegalStateException").setMessage(u == 6 ? "bad query <img src=x onerror=window.__sightlineXss=2>"
                    : "inventory said no for " + uri));
        }
        int rest = Math.max(2, elapsed - sql - 2);
        if (i % 3 == 0) {
            long child = r.nextLong() | 1;
            s.addEvents(SpanEvent.newBuilder().setSequence(2).setDepth(1).setStartOffset(1 + sql).setElapsed(rest)
                    .setServiceType("HTTP_CLIENT").setApiId(id(MetadataEntry.Kind.API, API_HTTP))
                    .setDestination("127.0.0.1:8081").setArgument("GET http://127.0.0.1:8081/stock?item=" + i % 13)
                    .setStatus(error ? 500 : 200).setError(error).setNextSpanId(child));
            byAgent.get(2).add(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(child)
                    .setParentSpanId(spanId).setParentApplication(APP).setParentServiceType("TOMCAT")
                    .setServiceType("TOMCAT").setStartTime(start + 2 + sql).setElapsed(rest - 1).setMethod("GET")
                    .setUri("/stock").setClientIp("127.0.0.1").setStatus(error ? 500 : 200).setError(error)
                    .setEndpoint("127.0.0.1:8081")
                    .addEvents(SpanEvent.newBuilder().setSequence(1).setDepth(1).setStartOffset(1).setElapsed(1)
                            .setServiceType("POSTGRESQL").setApiId(id(MetadataEntry.Kind.API, API_QUERY))
                            .setSqlId(id(MetadataEntry.Kind.SQL, SQL_STOCK)).setDestination("127.0.0.1:5432/test")
                            .addBindValues(BindValue.newBuilder().setValue(Integer.toString(i % 13))))
                    .build());
        } else if (i % 10 == 1) {
            s.addEvents(SpanEvent.newBuilder().setSequence(2).setDepth(1).setStartOffset(1 + sql).setElapsed(rest)
                    .setServiceType("HTTP_CLIENT").setApiId(id(MetadataEntry.Kind.API, API_HTTP))
                    .setDestination("api.payments.example:443").setArgument("POST https://api.payments.example/charge")
                    .setStatus(error ? 503 : 200).setError(error));
        }
        byAgent.get(agent).add(s.build());
    }

    /** One JVM sample every 5 s over [from, to), with a pool that fills up now and then. */
    static List<JvmStat> stats(String agentId, long from, long to) {
        SplittableRandom r = new SplittableRandom(agentId.hashCode());
        List<JvmStat> out = new ArrayList<>();
        long heap = 80L << 20;
        for (long t = from - Math.floorMod(from, 5_000) + 5_000; t < to; t += 5_000) {
            heap += r.nextLong(8L << 20);
            boolean gc = heap > (400L << 20);
            if (gc) {
                heap = 60L << 20;
            }
            int active = r.nextInt(8);
            out.add(JvmStat.newBuilder().setTimestamp(t).setInterval(5_000).setHeapUsed(heap).setHeapMax(512L << 20)
                    .setNonHeapUsed((90L << 20) + r.nextLong(4L << 20)).setGcCount(gc ? 1 : 0)
                    .setGcTime(gc ? 5 + r.nextLong(30) : 0).setCpuProcess(0.05 + r.nextDouble() * 0.3)
                    .setCpuSystem(0.2 + r.nextDouble() * 0.4).setThreads(40 + r.nextInt(10))
                    .setActiveRequests(r.nextInt(6)).setTps(20 + r.nextDouble() * 15).setResponseTimeAvg(25 + r.nextDouble() * 40)
                    .addPools(PoolStat.newBuilder().setName("HikariPool-1").setActive(active).setIdle(10 - active).setMax(10)
                            .setPending(active > 6 ? r.nextInt(3) : 0))
                    .build());
        }
        return out;
    }

    /** What shop-1 reports in flight: a slow request whose elapsed time grows, and two short ones. */
    static ActiveRequests inFlight() {
        long now = System.currentTimeMillis();
        ActiveRequests.Builder b = ActiveRequests.newBuilder();
        long[] ages = {(now / 7) % 9000 + 4000, (now / 3) % 4000 + 1200, (now % 900) + 20};
        for (int k = 0; k < ages.length; k++) {
            byte[] trace = new byte[16];
            trace[15] = (byte) (k + 1);
            b.addRequests(ActiveRequest.newBuilder().setTraceId(ByteString.copyFrom(trace))
                    .setUri(k == 0 ? "/slow" : "/owners/" + k).setStartTime(now - ages[k]).setElapsed((int) ages[k])
                    .setThreadName("http-nio-8080-exec-" + (k + 1))
                    .addStack("java.lang.Thread.sleep(Native Method)")
                    .addStack("com.example.shop.SlowController.slow(SlowController.java:" + (20 + k) + ")")
                    .addStack("org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)"));
        }
        return b.build();
    }

    private static MetadataEntry meta(MetadataEntry.Kind kind, String value) {
        return MetadataEntry.newBuilder().setKind(kind).setId(id(kind, value)).setValue(value).build();
    }

    private static long id(MetadataEntry.Kind kind, String value) {
        return MetadataIds.of(kind.getNumber(), value);
    }
}
