package io.sightline.webdev;

import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.Histogram;
import io.sightline.storage.query.IpRange;
import io.sightline.storage.query.IpRanges;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Generated transactions for developing and benchmarking the UI without an agent fleet: the
 * web's side of the system (HTTP, JSON, the browser) is exercised for real, the storage is
 * replaced. Never used by the product; the server provides the HBase implementation.
 * Transactions are stored column-wise (a million take ~30 MB) newest first, and every filter
 * of the contract is applied as the storage would.
 */
public final class SyntheticQueries implements Queries, LiveAgents {
    static final String APP = "shop";
    static final String[] AGENTS = {"shop-1", "shop-2"};
    static final String[] URIS = {"/owners/1", "/owners/2", "/owners", "/vets", "/fail", "/slow",
            "/search/<script>window.__sightlineXss=1</script>"};
    static final String[] IPS = {"127.0.0.1", "10.0.0.5", "10.1.2.3", "192.168.1.20", "::1"};

    private final long from;
    private final long to;
    private final long[] start;
    private final int[] elapsed;
    private final byte[] uri;
    private final byte[] ip;
    private final byte[] agent;
    private final boolean[] error;
    private final byte[][] ipBytes = new byte[IPS.length][];

    /** {@code n} transactions spread over [from, to), newest first. */
    public SyntheticQueries(int n, long from, long to, long seed) {
        this.from = from;
        this.to = to;
        start = new long[n];
        elapsed = new int[n];
        uri = new byte[n];
        ip = new byte[n];
        agent = new byte[n];
        error = new boolean[n];
        for (int i = 0; i < IPS.length; i++) {
            ipBytes[i] = IpRanges.toBytes(IPS[i]);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double step = (double) (to - from) / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            start[i] = to - 1 - (long) (i * step) - (step >= 2 ? r.nextLong((long) step) : 0);
            int u = r.nextInt(100) < 1 ? 6 : r.nextInt(6);
            uri[i] = (byte) u;
            ip[i] = (byte) r.nextInt(IPS.length);
            agent[i] = (byte) r.nextInt(AGENTS.length);
            double x = Math.exp(r.nextGaussian() * 0.6) * 30;
            if (URIS[u].equals("/slow") || r.nextInt(1000) < 15) {
                x = 1000 + r.nextDouble() * 6000;
            }
            if (r.nextInt(100_000) < 5) {
                x = 8000 + r.nextDouble() * 22_000; // rare outliers
            }
            elapsed[i] = (int) x;
            error[i] = URIS[u].equals("/fail") || r.nextInt(100) < 2;
        }
    }

    public int size() {
        return start.length;
    }

    private static final String ID_PREFIX = String.format("%016x", 0x5157L);

    static String id(int i) {
        String hex = Long.toHexString(i);
        return ID_PREFIX + "0".repeat(16 - hex.length()) + hex;
    }

    static int index(String id) {
        if (id == null || id.length() != 32 || !id.startsWith(ID_PREFIX)) {
            return -1;
        }
        return (int) Long.parseLong(id.substring(16), 16);
    }

    private boolean matches(int i, TransactionQuery q) {
        if (start[i] < q.from() || start[i] >= q.to()) {
            return false;
        }
        if (q.minElapsed() != null && elapsed[i] < q.minElapsed()) {
            return false;
        }
        if (q.maxElapsed() != null && elapsed[i] > q.maxElapsed()) {
            return false;
        }
        if (q.error() != null && error[i] != q.error()) {
            return false;
        }
        if (q.agentId() != null && !AGENTS[agent[i]].equals(q.agentId())) {
            return false;
        }
        if (q.url() != null && !q.url().matches(URIS[uri[i]])) {
            return false;
        }
        if (q.clientIp() != null && !inRange(ipBytes[ip[i]], q.clientIp())) {
            return false;
        }
        return true;
    }

    private static boolean inRange(byte[] a, IpRange r) {
        return Arrays.compareUnsigned(a, r.low()) >= 0 && Arrays.compareUnsigned(a, r.high()) <= 0;
    }

    private interface Sink {
        void add(int i);
    }

    /** Scans from the cursor, newest first; returns the next cursor or null when done. */
    private String scan(TransactionQuery q, Sink sink) {
        if (!APP.equals(q.application())) {
            return null;
        }
        int i = q.cursor() == null ? firstAtOrBefore(q.to()) : Integer.parseInt(q.cursor());
        int taken = 0;
        for (; i < start.length && start[i] >= q.from(); i++) {
            if (matches(i, q)) {
                if (taken == q.limit()) {
                    return Integer.toString(i);
                }
                sink.add(i);
                taken++;
            }
        }
        return null;
    }

    /** First index whose start is before {@code to} (binary search over descending times). */
    private int firstAtOrBefore(long to) {
        int lo = 0;
        int hi = start.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] >= to) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public List<Application> applications() {
        List<Agent> shop = new ArrayList<>();
        for (String a : AGENTS) {
            shop.add(agentInfo(a));
        }
        return List.of(new Application("inventory", "TOMCAT", List.of(agentInfo("inventory-1"))),
                new Application(APP, "TOMCAT", shop));
    }

    private Agent agentInfo(String id) {
        return new Agent(id, id.startsWith("shop") ? APP : "inventory", "host-" + id, "10.0.0." + (id.hashCode() & 0x3f),
                4000 + (id.hashCode() & 0xfff), from, "17.0.15", "0.1.0", "RUNNING", System.currentTimeMillis());
    }

    @Override
    public ServerMap serverMap(String application, long from, long to) {
        long[] h = new long[5];
        long sum = 0;
        long max = 0;
        int lo = firstAtOrBefore(to);
        for (int i = lo; i < start.length && start[i] >= from; i++) {
            int b = error[i] ? 4 : elapsed[i] < 1000 ? 0 : elapsed[i] < 3000 ? 1 : elapsed[i] < 5000 ? 2 : 3;
            h[b]++;
            sum += elapsed[i];
            max = Math.max(max, elapsed[i]);
        }
        Histogram users = new Histogram(h[0], h[1], h[2], h[3], h[4]);
        long total = users.total();
        Histogram db = new Histogram(total * 2, 0, 0, 0, 0);
        Histogram inv = new Histogram(total / 3, 0, 0, 0, total / 50);
        Histogram pay = new Histogram(total / 10, total / 100, 0, 0, total / 200);
        double avg = total == 0 ? 0 : (double) sum / total;
        return new ServerMap(List.of(
                new ServerMap.Node("USER^USER", "USER", "USER", total, h[4], users),
                new ServerMap.Node("shop^TOMCAT", APP, "TOMCAT", total, h[4], users),
                new ServerMap.Node("inventory^TOMCAT", "inventory", "TOMCAT", inv.total(), inv.error(), inv),
                new ServerMap.Node("jdbc:h2:mem:shop^H2", "jdbc:h2:mem:shop", "H2", db.total(), 0, db),
                new ServerMap.Node("127.0.0.1:5432/test^POSTGRESQL", "127.0.0.1:5432/test", "POSTGRESQL", inv.total(), 0, new Histogram(inv.total(), 0, 0, 0, 0)),
                new ServerMap.Node("api.payments.example:443^HTTP", "api.payments.example:443", "HTTP", pay.total(), pay.error(), pay)),
                List.of(new ServerMap.Link("USER^USER", "shop^TOMCAT", total, h[4], avg, max, users),
                        new ServerMap.Link("shop^TOMCAT", "jdbc:h2:mem:shop^H2", db.total(), 0, 1.4, 12, db),
                        new ServerMap.Link("shop^TOMCAT", "inventory^TOMCAT", inv.total(), inv.error(), 18.5, 240, inv),
                        new ServerMap.Link("inventory^TOMCAT", "127.0.0.1:5432/test^POSTGRESQL", inv.total(), 0, 2.1, 30,
                                new Histogram(inv.total(), 0, 0, 0, 0)),
                        new ServerMap.Link("shop^TOMCAT", "api.payments.example:443^HTTP", pay.total(), pay.error(), 95, 2100, pay)));
    }

    @Override
    public ScatterPage scatter(TransactionQuery q) {
        List<ScatterPage.Point> out = new ArrayList<>(Math.min(q.limit(), 16_384));
        String next = scan(q, i -> out.add(new ScatterPage.Point(id(i), AGENTS[agent[i]], start[i], elapsed[i], error[i])));
        return new ScatterPage(out, next == null, next);
    }

    @Override
    public TransactionPage transactions(TransactionQuery q) {
        List<TransactionPage.Row> out = new ArrayList<>();
        String next = scan(q, i -> out.add(row(i)));
        return new TransactionPage(out, next == null, next);
    }

    private TransactionPage.Row row(int i) {
        String u = URIS[uri[i]];
        return new TransactionPage.Row(id(i), APP, AGENTS[agent[i]], start[i], elapsed[i], u,
                u.startsWith("/owners/") ? "/owners/{ownerId}" : null, IPS[ip[i]], error[i],
                error[i] ? exception(i) : null, error[i] ? 500 : 200, "GET");
    }

    private String exception(int i) {
        return URIS[uri[i]].contains("<script>")
                ? "java.lang.IllegalArgumentException: bad query <img src=x onerror=window.__sightlineXss=2>"
                : "java.lang.IllegalStateException: inventory said no for " + URIS[uri[i]];
    }

    @Override
    public Optional<CallTree> callTree(String transactionId) {
        int i = index(transactionId);
        if (i < 0 || i >= start.length) {
            return Optional.empty();
        }
        long t = start[i];
        int e = elapsed[i];
        String a = AGENTS[agent[i]];
        String u = URIS[uri[i]];
        int sql = Math.max(1, e / 10);
        int http = Math.max(2, e / 3);
        List<CallTree.Row> rows = new ArrayList<>();
        rows.add(new CallTree.Row(1, 0, 0, APP, a, "TOMCAT", "GET " + u, null, null, t, e,
                Math.max(0, e - sql - sql - http), error[i], error[i] ? exception(i) : null, null, error[i] ? 500 : 200, "s1"));
        rows.add(new CallTree.Row(2, 1, 1, APP, a, "H2", "PreparedStatement.executeQuery",
                "select o.id, o.name from owners o where o.id = ? and o.city like ?", Arrays.asList(Integer.toString(i % 97), null),
                t + 1, sql, sql, false, null, "jdbc:h2:mem:shop", null, "s1"));
        rows.add(new CallTree.Row(3, 1, 1, APP, a, "H2", "PreparedStatement.executeUpdate",
                "update visits set note = ? where owner_id = ?", Arrays.asList(u.contains("<script>") ? u : "checked", Integer.toString(i % 97)),
                t + 1 + sql, sql, sql, false, null, "jdbc:h2:mem:shop", null, "s1"));
        rows.add(new CallTree.Row(4, 1, 1, APP, a, "HTTP_CLIENT", "HttpURLConnection.getResponseCode",
                "http://127.0.0.1:8081/stock?item=" + i % 13, null, t + 2 + 2L * sql, http, 1, error[i],
                null, "inventory", error[i] ? 500 : 200, "s1"));
        rows.add(new CallTree.Row(5, 4, 2, "inventory", "inventory-1", "TOMCAT", "GET /stock", null, null,
                t + 3 + 2L * sql, http - 1, Math.max(0, http - 2), error[i],
                error[i] ? "java.lang.IllegalStateException: out of stock" : null, null, error[i] ? 500 : 200, "s2"));
        rows.add(new CallTree.Row(6, 5, 3, "inventory", "inventory-1", "POSTGRESQL", "PreparedStatement.executeQuery",
                "select qty from stock where item = ?", List.of(Integer.toString(i % 13)), t + 4 + 2L * sql, 1, 1,
                false, null, "127.0.0.1:5432/test", null, "s2"));
        return Optional.of(new CallTree(transactionId, rows));
    }

    @Override
    public AgentStats agentStats(String agentId, long from, long to) {
        List<Long> ts = new ArrayList<>();
        long step = Math.max(5000, (to - from) / 720);
        for (long t = Math.max(from, this.from) - Math.floorMod(Math.max(from, this.from), step); t < Math.min(to, System.currentTimeMillis()); t += step) {
            if (t >= from) {
                ts.add(t);
            }
        }
        int n = ts.size();
        SplittableRandom r = new SplittableRandom(agentId.hashCode());
        List<Long> heap = new ArrayList<>(), heapMax = new ArrayList<>(), nonHeap = new ArrayList<>(), gcC = new ArrayList<>(), gcT = new ArrayList<>();
        List<Double> cpuP = new ArrayList<>(), cpuS = new ArrayList<>(), tps = new ArrayList<>(), rt = new ArrayList<>();
        List<Integer> threads = new ArrayList<>(), active = new ArrayList<>();
        List<Integer> pa = new ArrayList<>(), pi = new ArrayList<>(), pm = new ArrayList<>(), pp = new ArrayList<>();
        long h = 80L << 20;
        for (int k = 0; k < n; k++) {
            h = h + r.nextLong(8L << 20);
            boolean gc = h > (400L << 20);
            if (gc) {
                h = 60L << 20;
            }
            heap.add(h);
            heapMax.add(512L << 20);
            nonHeap.add((90L << 20) + r.nextLong(4L << 20));
            gcC.add(gc ? 1L : 0L);
            gcT.add(gc ? 5L + r.nextLong(30) : 0L);
            cpuP.add(0.05 + r.nextDouble() * 0.3);
            cpuS.add(0.2 + r.nextDouble() * 0.4);
            threads.add(40 + r.nextInt(10));
            active.add(r.nextInt(6));
            tps.add(20 + r.nextDouble() * 15);
            rt.add(25 + r.nextDouble() * 40);
            int act = r.nextInt(8);
            pa.add(act);
            pi.add(10 - act);
            pm.add(10);
            pp.add(act > 6 ? r.nextInt(3) : 0);
        }
        return new AgentStats(ts, heap, heapMax, nonHeap, gcC, gcT, cpuP, cpuS, threads, active, tps, rt,
                List.of(new AgentStats.Pool("HikariPool-1", pa, pi, pm, pp)));
    }

    @Override
    public Optional<Agent> agent(String agentId) {
        return applications().stream().flatMap(a -> a.agents().stream()).filter(a -> a.agentId().equals(agentId)).findFirst();
    }

    @Override
    public Optional<List<ActiveRequest>> activeRequests(String agentId) {
        if (!AGENTS[0].equals(agentId)) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        List<ActiveRequest> out = new ArrayList<>();
        long[] ages = {(now / 7) % 9000 + 4000, (now / 3) % 4000 + 1200, (now % 900) + 20};
        for (int k = 0; k < ages.length; k++) {
            out.add(new ActiveRequest(id(k), k == 0 ? "/slow" : "/owners/" + k, now - ages[k], ages[k],
                    "http-nio-8080-exec-" + (k + 1), List.of("java.lang.Thread.sleep(Native Method)",
                    "com.example.shop.SlowController.slow(SlowController.java:" + (20 + k) + ")",
                    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)")));
        }
        return Optional.of(out);
    }
}
