package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Agent -> gRPC -> collector -> embedded HBase -> REST API, on the packaged jars: the server on
 * its embedded HBase, and the demo application (a Spring Boot 3 app written without Sightline in
 * mind) twice with the agent: demo-shop calling demo-inventory over HttpURLConnection.
 * Known requests go in; the test asserts exactly what comes out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    static final String SHOP = "demo-shop";
    static final String SHOP_AGENT = "demo-shop-1";
    static final String INVENTORY = "demo-inventory";
    static final String INVENTORY_AGENT = "demo-inventory-1";

    Path work;
    SightlineServer server;
    DemoApp inventory;
    DemoApp shop;
    Api api;
    long from;
    long to;
    /** uri -> transaction id, filled by the scatter/transactions checks. */
    final Map<String, String> txByUri = new HashMap<>();

    @BeforeAll
    void startEverything() throws Exception {
        work = Dist.work("e2e");
        server = new SightlineServer(work, List.of()).start(Duration.ofSeconds(180));
        api = server.api();
        String java = JavaProcess.javaCommand();
        inventory = DemoApp.start(java, work.resolve("logs"), "inventory", INVENTORY, INVENTORY_AGENT,
                server.collectorAddress(), List.of());
        shop = DemoApp.start(java, work.resolve("logs"), "shop", SHOP, SHOP_AGENT,
                server.collectorAddress(), List.of("--demo.inventory-url=" + inventory.baseUrl()));

        from = System.currentTimeMillis() - 1_000;
        Api http = shop.http();
        for (int id = 1; id <= 3; id++) {
            assertThat(http.get("/owners/" + id).status()).isEqualTo(200);
        }
        assertThat(http.get("/owners?lastName=Dav").status()).isEqualTo(200);
        assertThat(http.get("/owners/99").status()).isEqualTo(404);
        assertThat(http.get("/fail").status()).isEqualTo(500);
        assertThat(http.get("/slow?ms=1200").status()).isEqualTo(200);
        to = System.currentTimeMillis() + 60_000;
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable c : new AutoCloseable[] {shop, inventory, server}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    String window(String application) {
        return Api.query(Map.of("application", application, "from", from, "to", to));
    }

    @Test
    @Order(1)
    void apiNeedsLogin() throws Exception {
        Api.Response r = server.anonymous().get("/api/applications");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().has("error")).isTrue();
        assertThat(server.anonymous().get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void scatterHasExactlyTheRequestsMade() throws Exception {
        JsonNode scatter = api.poll("/api/scatter" + window(SHOP), Duration.ofSeconds(30),
                j -> j.path("points").size() >= 7);
        assertThat(scatter).as("scatter of %s", SHOP).isNotNull();
        // wait a little longer: nothing else may arrive (no probe, no duplicate)
        Thread.sleep(3_000);
        scatter = api.json("/api/scatter" + window(SHOP));
        JsonNode points = scatter.path("points");
        assertThat(points.size()).as(points.toString()).isEqualTo(7);
        assertThat(scatter.path("complete").asBoolean()).isTrue();
        assertThat(scatter.path("next").isNull()).isTrue();
        long previous = Long.MAX_VALUE;
        int errors = 0;
        for (JsonNode p : points) {
            assertThat(p.path("transactionId").asText()).matches("[0-9a-f]{32}");
            assertThat(p.path("agentId").asText()).isEqualTo(SHOP_AGENT);
            long start = p.path("startTime").asLong();
            assertThat(start).isBetween(from, to).isLessThanOrEqualTo(previous);
            previous = start;
            errors += p.path("error").asBoolean() ? 1 : 0;
        }
        assertThat(errors).isEqualTo(1);

        JsonNode inv = api.poll("/api/scatter" + window(INVENTORY), Duration.ofSeconds(15),
                j -> j.path("points").size() >= 3);
        assertThat(inv.path("points").size()).isEqualTo(3);
    }

    @Test
    @Order(3)
    void transactionListAndEveryFilter() throws Exception {
        JsonNode all = api.json("/api/transactions" + window(SHOP));
        JsonNode txs = all.path("transactions");
        assertThat(txs.size()).isEqualTo(7);
        assertThat(all.path("complete").asBoolean()).isTrue();
        for (JsonNode t : txs) {
            assertThat(t.path("application").asText()).isEqualTo(SHOP);
            assertThat(t.path("agentId").asText()).isEqualTo(SHOP_AGENT);
            assertThat(t.path("clientIp").asText()).isEqualTo("127.0.0.1");
            txByUri.put(t.path("uri").asText(), t.path("transactionId").asText());
        }
        assertThat(txByUri.keySet()).containsExactlyInAnyOrder(
                "/owners/1", "/owners/2", "/owners/3", "/owners", "/owners/99", "/fail", "/slow");
        JsonNode fail = find(txs, "uri", "/fail");
        assertThat(fail.path("error").asBoolean()).isTrue();
        assertThat(fail.path("exception").asText()).contains("checkout failed: price ratio undefined");
        assertThat(find(txs, "uri", "/owners/99").path("error").asBoolean()).isFalse();
        assertThat(find(txs, "uri", "/owners/1").path("exception").isNull()).isTrue();

        assertThat(uris("error=true")).containsExactly("/fail");
        assertThat(uris("error=false")).hasSize(6).doesNotContain("/fail");
        assertThat(uris("url=" + enc("/owners/*")))
                .containsExactlyInAnyOrder("/owners/1", "/owners/2", "/owners/3", "/owners/99");
        assertThat(uris("url=owners")).hasSize(5);
        assertThat(uris("url=OWNERS")).isEmpty();
        assertThat(uris("clientIp=127.0.0.1")).hasSize(7);
        assertThat(uris("clientIp=" + enc("127.0.0.0/8"))).hasSize(7);
        assertThat(uris("clientIp=" + enc("10.0.0.0/8"))).isEmpty();
        assertThat(uris("agentId=" + SHOP_AGENT)).hasSize(7);
        assertThat(uris("agentId=nobody")).isEmpty();
        // latency bounds are inclusive; the expectations follow from the elapsed times listed
        long slowElapsed = find(txs, "uri", "/slow").path("elapsed").asLong();
        assertThat(slowElapsed).isGreaterThanOrEqualTo(1200);
        List<String> atLeastSlow = new ArrayList<>();
        List<String> belowSlow = new ArrayList<>();
        for (JsonNode t : txs) {
            (t.path("elapsed").asLong() >= slowElapsed ? atLeastSlow : belowSlow).add(t.path("uri").asText());
        }
        assertThat(uris("minElapsed=" + slowElapsed)).containsExactlyInAnyOrderElementsOf(atLeastSlow).contains("/slow");
        assertThat(uris("maxElapsed=" + (slowElapsed - 1))).containsExactlyInAnyOrderElementsOf(belowSlow);
        assertThat(uris("minElapsed=" + slowElapsed + "&maxElapsed=" + slowElapsed)).contains("/slow");
        assertThat(uris("minElapsed=" + slowElapsed + "&error=true")).isEmpty();

        // paging: 3 at a time, newest first, no duplicates, nothing lost
        List<String> paged = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 5; page++) {
            String q = window(SHOP) + "&limit=3" + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode r = api.json("/api/transactions" + q);
            r.path("transactions").forEach(t -> paged.add(t.path("transactionId").asText()));
            if (r.path("complete").asBoolean()) {
                break;
            }
            cursor = r.path("next").asText();
        }
        assertThat(paged).doesNotHaveDuplicates().containsExactlyElementsOf(
                StreamSupport.stream(txs.spliterator(), false).map(t -> t.path("transactionId").asText()).toList());

        assertThat(api.get("/api/transactions" + window(SHOP) + "&limit=100001").status()).isEqualTo(400);
        Api.Response bad = api.get("/api/transactions" + window(SHOP) + "&clientIp=not-an-ip");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).contains("clientIp");
    }

    @Test
    @Order(4)
    void callTreeCrossesBothApplications() throws Exception {
        String txId = txByUri.get("/owners/1");
        assertThat(txId).isNotNull();
        JsonNode tree = api.poll("/api/transactions/" + txId, Duration.ofSeconds(15),
                j -> j.path("callTree").size() >= 5);
        JsonNode rows = tree.path("callTree");
        assertThat(tree.path("transactionId").asText()).isEqualTo(txId);
        List<String> shape = new ArrayList<>();
        for (JsonNode r : rows) {
            shape.add(r.path("depth").asInt() + " " + r.path("application").asText() + " " + r.path("serviceType").asText());
        }
        assertThat(shape).containsExactly(
                "0 demo-shop TOMCAT",
                "1 demo-shop H2",
                "1 demo-shop HTTP_CLIENT",
                "2 demo-inventory TOMCAT",
                "3 demo-inventory H2");

        JsonNode root = rows.get(0);
        assertThat(root.path("id").asInt()).isEqualTo(1);
        assertThat(root.path("parentId").asInt()).isEqualTo(0);
        assertThat(root.path("api").asText()).isEqualTo("GET /owners/1");
        assertThat(root.path("agentId").asText()).isEqualTo(SHOP_AGENT);
        assertThat(root.path("error").asBoolean()).isFalse();

        JsonNode sql = rows.get(1);
        assertThat(sql.path("parentId").asInt()).isEqualTo(1);
        assertThat(sql.path("argument").asText())
                .isEqualTo("select id, first_name, last_name, city from owners where id = ?");
        assertThat(sql.path("bindValues").toString()).isEqualTo("[\"1\"]");
        assertThat(sql.path("destination").asText()).isEqualTo("shopdb");
        assertThat(sql.path("startTime").asLong()).isGreaterThanOrEqualTo(root.path("startTime").asLong());

        JsonNode http = rows.get(2);
        assertThat(http.path("parentId").asInt()).isEqualTo(1);
        assertThat(http.path("destination").asText()).isEqualTo("127.0.0.1:" + inventory.port);
        assertThat(http.path("argument").asText()).contains("/stock/1");
        assertThat(http.path("status").asInt()).isEqualTo(200);
        assertThat(http.path("error").asBoolean()).isFalse();

        JsonNode invRoot = rows.get(3);
        assertThat(invRoot.path("parentId").asInt()).isEqualTo(http.path("id").asInt());
        assertThat(invRoot.path("api").asText()).isEqualTo("GET /stock/1");
        assertThat(invRoot.path("agentId").asText()).isEqualTo(INVENTORY_AGENT);

        JsonNode invSql = rows.get(4);
        assertThat(invSql.path("parentId").asInt()).isEqualTo(invRoot.path("id").asInt());
        assertThat(invSql.path("argument").asText())
                .isEqualTo("select item_id, quantity from stock where item_id = ?");
        assertThat(invSql.path("bindValues").toString()).isEqualTo("[\"1\"]");
        assertThat(invSql.path("destination").asText()).isEqualTo("inventorydb");

        // the failing request: the SQL row and the entry row are errors, with the messages
        JsonNode failRows = api.json("/api/transactions/" + txByUri.get("/fail")).path("callTree");
        assertThat(failRows.get(0).path("error").asBoolean()).isTrue();
        assertThat(failRows.get(0).path("exception").asText()).contains("checkout failed");
        JsonNode failSql = failRows.get(1);
        assertThat(failSql.path("serviceType").asText()).isEqualTo("H2");
        assertThat(failSql.path("error").asBoolean()).isTrue();
        assertThat(failSql.path("exception").asText()).isNotBlank();

        assertThat(api.get("/api/transactions/00000000000000000000000000000001").status()).isEqualTo(404);
        assertThat(api.get("/api/transactions/not-hex").status()).isEqualTo(400);
    }

    @Test
    @Order(5)
    void serverMapHasUserShopDatabasesAndInventory() throws Exception {
        JsonNode map = api.poll("/api/servermap" + window(SHOP), Duration.ofSeconds(20),
                j -> link(j, "USER^USER", SHOP + "^TOMCAT") != null
                        && link(j, "USER^USER", SHOP + "^TOMCAT").path("totalCount").asLong() >= 7);
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        map.path("nodes").forEach(n -> nodes.put(n.path("key").asText(), n));
        assertThat(nodes.keySet()).contains("USER^USER", SHOP + "^TOMCAT", "shopdb^H2", INVENTORY + "^TOMCAT");
        assertThat(nodes.keySet()).as("the inventory is an application, not an HTTP host")
                .noneMatch(k -> k.endsWith("^HTTP"));

        // the expected buckets follow from the elapsed times the transaction list reports
        long[] expected = new long[5];
        for (JsonNode t : api.json("/api/transactions" + window(SHOP)).path("transactions")) {
            long e = t.path("elapsed").asLong();
            int bucket = t.path("error").asBoolean() ? 4 : e < 1_000 ? 0 : e < 3_000 ? 1 : e < 5_000 ? 2 : 3;
            expected[bucket]++;
        }
        assertThat(expected[1] + expected[2] + expected[3]).as("/slow?ms=1200 is not under 1 s").isGreaterThanOrEqualTo(1);
        JsonNode user = link(map, "USER^USER", SHOP + "^TOMCAT");
        assertThat(user.path("totalCount").asLong()).isEqualTo(7);
        assertThat(user.path("errorCount").asLong()).isEqualTo(1);
        JsonNode h = user.path("histogram");
        assertThat(new long[] {h.path("1s").asLong(), h.path("3s").asLong(), h.path("5s").asLong(),
                h.path("slow").asLong(), h.path("error").asLong()}).containsExactly(expected);
        assertThat(user.path("maxElapsed").asLong()).isGreaterThanOrEqualTo(1200);

        // every owner page, the search, the 404, /slow's count and /fail's failing statement
        JsonNode db = link(map, SHOP + "^TOMCAT", "shopdb^H2");
        assertThat(db.path("totalCount").asLong()).isEqualTo(7);
        assertThat(db.path("errorCount").asLong()).isEqualTo(1);

        JsonNode inv = link(map, SHOP + "^TOMCAT", INVENTORY + "^TOMCAT");
        assertThat(inv.path("totalCount").asLong()).isEqualTo(3);
        assertThat(inv.path("errorCount").asLong()).isZero();

        JsonNode shopNode = nodes.get(SHOP + "^TOMCAT");
        assertThat(shopNode.path("totalCount").asLong()).isEqualTo(7);
        assertThat(shopNode.path("errorCount").asLong()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void applicationsAndAgentStats() throws Exception {
        JsonNode apps = api.json("/api/applications");
        Map<String, JsonNode> byName = new HashMap<>();
        apps.forEach(a -> byName.put(a.path("name").asText(), a));
        assertThat(byName).containsKeys(SHOP, INVENTORY);
        JsonNode agent = byName.get(SHOP).path("agents").get(0);
        assertThat(byName.get(SHOP).path("serviceType").asText()).isEqualTo("TOMCAT");
        assertThat(agent.path("agentId").asText()).isEqualTo(SHOP_AGENT);
        assertThat(agent.path("pid").asLong()).isEqualTo(shop.process().pid());
        assertThat(agent.path("status").asText()).isEqualTo("RUNNING");
        assertThat(agent.path("jvmVersion").asText()).isNotBlank();

        String q = "?from=" + (from - 60_000) + "&to=" + to;
        JsonNode stats = api.poll("/api/agents/" + SHOP_AGENT + "/stats" + q, Duration.ofSeconds(20),
                j -> j.path("timestamps").size() >= 1);
        int n = stats.path("timestamps").size();
        assertThat(n).isGreaterThanOrEqualTo(1);
        for (String series : List.of("heapUsed", "heapMax", "nonHeapUsed", "gcCount", "gcTime", "cpuProcess",
                "cpuSystem", "threads", "activeRequests", "tps", "responseTimeAvg")) {
            assertThat(stats.path(series).size()).as(series).isEqualTo(n);
        }
        assertThat(stats.path("heapUsed").get(0).asLong()).isPositive();
        assertThat(stats.path("threads").get(0).asInt()).isPositive();
        // the demo's HikariCP pool (hikaricp plugin) arrives with the JVM stats
        JsonNode pools = stats.path("pools");
        assertThat(pools.size()).as("pools: %s", pools).isEqualTo(1);
        assertThat(pools.get(0).path("name").asText()).isEqualTo("shop-pool");
        assertThat(pools.get(0).path("max").size()).isEqualTo(n);
        assertThat(pools.get(0).path("max").get(n - 1).asInt()).isEqualTo(10);
        assertThat(api.get("/api/agents/nobody/stats" + q).status()).isIn(200, 404);
    }

    /**
     * The UI in a real browser on the same data: login, map (fits, node and edge details, the
     * caller's transactions behind a database edge), scatter drag-select and real time, filters,
     * call tree with bind values, inspector (with the demo's pool gauges), live page with a slow
     * request in flight and its stack, traced markup shown as text, logout.
     */
    @Test
    @Order(7)
    void browserChecks() throws Exception {
        BrowserChecks.assumeAvailable();
        // a traced exception message holding markup, for the "rendered as text" check
        assertThat(shop.http().get("/fail?reason=" + enc("<script>window.__sightlineXss=1</script>")).status())
                .isEqualTo(500);
        api.poll("/api/transactions" + window(SHOP) + "&error=true", Duration.ofSeconds(20),
                j -> j.path("transactions").size() >= 2);
        Path shots = Path.of("target", "e2e-screenshots").toAbsolutePath();
        // --trafficUrl: the real-time scatter and live checks send their own requests to the shop
        // (/owners/N while the scatter is open, a 12 s /slow while the live page is)
        BrowserChecks.Result r = BrowserChecks.run(List.of(
                "--baseUrl=" + server.baseUrl(), "--password=" + SightlineServer.PASSWORD,
                "--application=" + SHOP, "--range=1h", "--expectTypes=USER,TOMCAT,H2",
                "--xss=<script", "--trafficUrl=" + shop.baseUrl()), shots);
        System.out.println(r.output());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("e2e: ").doesNotContain("FAIL ")
                .contains("PASS server map fits its viewport", "PASS real-time scatter adds new transactions",
                        "PASS live page shows a slow request in flight");
        // the demo's Hikari pool is reported (hikaricp plugin): its gauges must be charted
        assertThat(r.output()).contains("PASS inspector shows connection-pool gauges");
        try (var files = java.nio.file.Files.list(shots)) {
            assertThat(files.count()).as("a screenshot of every page in %s", shots).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    @Order(8)
    void dataSurvivesARestart() throws Exception {
        JsonNode before = api.json("/api/transactions/" + txByUri.get("/owners/1"));
        int pointsBeforeRestart = api.json("/api/scatter" + window(SHOP)).path("points").size();
        assertThat(pointsBeforeRestart).isGreaterThanOrEqualTo(7);
        server.stop();
        server.start(Duration.ofSeconds(180));
        JsonNode after = api.json("/api/scatter" + window(SHOP));
        assertThat(after.path("points").size()).isEqualTo(pointsBeforeRestart);
        assertThat(api.json("/api/transactions/" + txByUri.get("/owners/1"))).isEqualTo(before);
    }

    private List<String> uris(String filter) throws Exception {
        JsonNode r = api.json("/api/transactions" + window(SHOP) + "&" + filter);
        return StreamSupport.stream(r.path("transactions").spliterator(), false)
                .map(t -> t.path("uri").asText()).collect(Collectors.toList());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

    private static JsonNode link(JsonNode map, String from, String to) {
        for (JsonNode l : map.path("links")) {
            if (l.path("from").asText().equals(from) && l.path("to").asText().equals(to)) {
                return l;
            }
        }
        return null;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
