package io.sightline.web;

import static io.sightline.web.KnownData.INVENTORY;
import static io.sightline.web.KnownData.PETSTORE;
import static io.sightline.web.KnownData.TX_A;
import static io.sightline.web.KnownData.TX_B;
import static io.sightline.web.KnownData.TX_C;
import static io.sightline.web.KnownData.TX_D;
import static io.sightline.web.KnownData.TX_E;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.web.api.ScatterDensity;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The REST API over real HTTP with HTTP Basic, on the real storage (embedded HBase written by a
 * real collector, see {@link KnownData}): every endpoint's whole answer, every filter, paging,
 * every 400 naming its parameter, 404s.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiTest {
    static final String PASSWORD = "test-password-123";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("sightline.data-dir", dataDir::toString);
        r.add(AdminPassword.ENV, () -> PASSWORD);
        // two rows per storage read, so that the density endpoint pages through the five transactions
        r.add("sightline.web.density-page-size", () -> "2");
    }

    @LocalServerPort
    int port;

    @Autowired
    RecordingQueries queries;

    final KnownData data = RealStorage.shared().data;
    Http api;

    @BeforeEach
    void client() {
        api = new Http(port).basic("admin", PASSWORD);
        queries.clear();
    }

    JsonNode ok(String path) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return Http.json(r);
    }

    /** JSON with {@code @T} (the data's minute) and {@code @T+n} standing for numbers. */
    JsonNode expected(String template) {
        Matcher m = Pattern.compile("@T(\\+(\\d+))?").matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long v = data.t + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
            m.appendReplacement(b, Long.toString(v));
        }
        m.appendTail(b);
        try {
            return Http.JSON.readTree(b.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    String list(String endpoint, String filters) {
        return "/api/" + endpoint + "?application=" + PETSTORE + data.window() + filters;
    }

    /** The transaction ids of a transactions/scatter answer, in order. */
    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        JsonNode rows = page.has("transactions") ? page.path("transactions") : page.path("points");
        rows.forEach(r -> out.add(r.path("transactionId").asText()));
        return out;
    }

    // ------------------------------------------------------------------ whole answers

    @Test
    void applicationsWithTheirAgents() {
        long before = System.currentTimeMillis();
        data.petstore1.ping();
        data.inventory1.ping();
        long after = System.currentTimeMillis();
        JsonNode apps = ok("/api/applications");
        // lastSeen is the collector's clock at the last contact: check it lies in the known interval
        for (JsonNode app : apps) {
            for (JsonNode agent : app.path("agents")) {
                long seen = agent.path("lastSeen").asLong();
                if (agent.path("agentId").asText().equals("petstore-2")) {
                    assertThat(seen).isBetween(data.shutdownFrom, data.shutdownTo);
                } else {
                    assertThat(seen).isBetween(before, after);
                }
                ((ObjectNode) agent).put("lastSeen", 0);
            }
        }
        assertThat(apps).isEqualTo(expected("""
                [{"name":"inventory","serviceType":"TOMCAT",
                  "agents":[{"agentId":"inventory-1","applicationName":"inventory","hostname":"inv-1","ip":"10.0.0.3",
                             "pid":99,"startTime":1700000000000,"jvmVersion":"17.0.15","agentVersion":"0.1.0",
                             "status":"RUNNING","lastSeen":0}]},
                 {"name":"petstore","serviceType":"TOMCAT",
                  "agents":[{"agentId":"petstore-1","applicationName":"petstore","hostname":"web-1","ip":"10.0.0.1",
                             "pid":4242,"startTime":1700000000000,"jvmVersion":"17.0.15","agentVersion":"0.1.0",
                             "status":"RUNNING","lastSeen":0},
                            {"agentId":"petstore-2","applicationName":"petstore","hostname":"web-2","ip":"10.0.0.2",
                             "pid":4343,"startTime":1700000000000,"jvmVersion":"17.0.15","agentVersion":"0.1.0",
                             "status":"SHUTDOWN","lastSeen":0}]}]"""));
    }

    @Test
    void serverMapAroundTheApplication() {
        JsonNode map = ok("/api/servermap?application=" + PETSTORE + data.window());
        // the contract leaves the order open: compare sorted by key
        sort((ArrayNode) map.path("nodes"), n -> n.path("key").asText());
        sort((ArrayNode) map.path("links"), l -> l.path("from").asText() + " " + l.path("to").asText());
        assertThat(map).isEqualTo(expected("""
                {"nodes":[
                  {"key":"USER^USER","name":"USER","serviceType":"USER","totalCount":5,"errorCount":1,
                   "histogram":{"1s":1,"3s":1,"5s":1,"slow":1,"error":1}},
                  {"key":"api.example.com:443^HTTP","name":"api.example.com:443","serviceType":"HTTP","totalCount":1,"errorCount":1,
                   "histogram":{"1s":0,"3s":0,"5s":0,"slow":0,"error":1}},
                  {"key":"invdb^H2","name":"invdb","serviceType":"H2","totalCount":1,"errorCount":0,
                   "histogram":{"1s":1,"3s":0,"5s":0,"slow":0,"error":0}},
                  {"key":"inventory^TOMCAT","name":"inventory","serviceType":"TOMCAT","totalCount":1,"errorCount":0,
                   "histogram":{"1s":1,"3s":0,"5s":0,"slow":0,"error":0}},
                  {"key":"petdb^H2","name":"petdb","serviceType":"H2","totalCount":3,"errorCount":1,
                   "histogram":{"1s":2,"3s":0,"5s":0,"slow":0,"error":1}},
                  {"key":"petstore^TOMCAT","name":"petstore","serviceType":"TOMCAT","totalCount":5,"errorCount":1,
                   "histogram":{"1s":1,"3s":1,"5s":1,"slow":1,"error":1}}],
                 "links":[
                  {"from":"USER^USER","to":"petstore^TOMCAT","totalCount":5,"errorCount":1,"avgElapsed":2049.4,"maxElapsed":5200,
                   "histogram":{"1s":1,"3s":1,"5s":1,"slow":1,"error":1}},
                  {"from":"inventory^TOMCAT","to":"invdb^H2","totalCount":1,"errorCount":0,"avgElapsed":3.0,"maxElapsed":3,
                   "histogram":{"1s":1,"3s":0,"5s":0,"slow":0,"error":0}},
                  {"from":"petstore^TOMCAT","to":"api.example.com:443^HTTP","totalCount":1,"errorCount":1,"avgElapsed":3400.0,
                   "maxElapsed":3400,"histogram":{"1s":0,"3s":0,"5s":0,"slow":0,"error":1}},
                  {"from":"petstore^TOMCAT","to":"inventory^TOMCAT","totalCount":1,"errorCount":0,"avgElapsed":15.0,"maxElapsed":15,
                   "histogram":{"1s":1,"3s":0,"5s":0,"slow":0,"error":0}},
                  {"from":"petstore^TOMCAT","to":"petdb^H2","totalCount":3,"errorCount":1,"avgElapsed":15.0,"maxElapsed":40,
                   "histogram":{"1s":2,"3s":0,"5s":0,"slow":0,"error":1}}]}"""));
        // a window without traffic has the application alone
        assertThat(ok("/api/servermap?application=" + PETSTORE + "&from=1000&to=2000")).isEqualTo(expected("""
                {"nodes":[{"key":"petstore^TOMCAT","name":"petstore","serviceType":"TOMCAT","totalCount":0,"errorCount":0,
                           "histogram":{"1s":0,"3s":0,"5s":0,"slow":0,"error":0}}],"links":[]}"""));
    }

    static void sort(ArrayNode array, java.util.function.Function<JsonNode, String> key) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        items.sort(Comparator.comparing(key));
        array.removeAll();
        array.addAll(items);
    }

    @Test
    void scatterPointsNewestFirst() {
        assertThat(ok(list("scatter", ""))).isEqualTo(expected("""
                {"points":[
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+5000,"elapsed":3500,"error":false},
                  {"transactionId":"%s","agentId":"petstore-2","startTime":@T+4000,"elapsed":5200,"error":false},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+3000,"elapsed":12,"error":true},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+2000,"elapsed":1500,"error":false},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+1000,"elapsed":35,"error":false}],
                 "complete":true,"next":null}""".formatted(TX_E, TX_D, TX_C, TX_B, TX_A)));
        assertThat(queries.seen).containsExactly(new TransactionQuery(PETSTORE, data.t, data.t + 60_000,
                null, null, null, null, null, null, TransactionQuery.DEFAULT_LIMIT, null));
    }

    @Test
    void transactionsInTheContractShape() {
        assertThat(ok(list("transactions", ""))).isEqualTo(expected("""
                {"transactions":[
                  {"transactionId":"%s","application":"petstore","agentId":"petstore-1","startTime":@T+5000,"elapsed":3500,
                   "uri":"/search","uriTemplate":null,"clientIp":"::1","error":false,"exception":null,"status":200,"method":"GET"},
                  {"transactionId":"%s","application":"petstore","agentId":"petstore-2","startTime":@T+4000,"elapsed":5200,
                   "uri":"/slow","uriTemplate":null,"clientIp":"192.168.1.20","error":false,"exception":null,"status":200,"method":"GET"},
                  {"transactionId":"%s","application":"petstore","agentId":"petstore-1","startTime":@T+3000,"elapsed":12,
                   "uri":"/fail","uriTemplate":null,"clientIp":"10.0.0.7","error":true,
                   "exception":"java.lang.IllegalStateException: checkout failed: <script>window.__sightlineXss=1</script>",
                   "status":500,"method":"POST"},
                  {"transactionId":"%s","application":"petstore","agentId":"petstore-1","startTime":@T+2000,"elapsed":1500,
                   "uri":"/owners","uriTemplate":null,"clientIp":"10.0.0.8","error":false,"exception":null,"status":200,"method":"GET"},
                  {"transactionId":"%s","application":"petstore","agentId":"petstore-1","startTime":@T+1000,"elapsed":35,
                   "uri":"/owners/1","uriTemplate":"/owners/{ownerId}","clientIp":"10.0.0.7","error":false,"exception":null,
                   "status":200,"method":"GET"}],
                 "complete":true,"next":null}""".formatted(TX_E, TX_D, TX_C, TX_B, TX_A)));
        assertThat(ids(ok("/api/transactions?application=" + INVENTORY + data.window()))).containsExactly(TX_A);
        assertThat(ok("/api/transactions?application=nobody" + data.window())).isEqualTo(expected(
                "{\"transactions\":[],\"complete\":true,\"next\":null}"));
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("&error=true", List.of(TX_C)),
                Arguments.of("&error=false", List.of(TX_E, TX_D, TX_B, TX_A)),
                Arguments.of("&clientIp=10.0.0.7", List.of(TX_C, TX_A)),
                Arguments.of("&clientIp=" + enc("10.0.0.0/8"), List.of(TX_C, TX_B, TX_A)),
                Arguments.of("&clientIp=" + enc("192.168.0.0/16"), List.of(TX_D)),
                Arguments.of("&clientIp=" + enc("::1"), List.of(TX_E)),
                Arguments.of("&clientIp=" + enc("::1/128"), List.of(TX_E)),
                Arguments.of("&clientIp=" + enc("203.0.113.0/24"), List.of()),
                Arguments.of("&url=owners", List.of(TX_B, TX_A)),
                Arguments.of("&url=OWNERS", List.of()),
                Arguments.of("&url=" + enc("/owners/*"), List.of(TX_A)),
                Arguments.of("&url=" + enc("/*s*"), List.of(TX_E, TX_D, TX_B, TX_A)),
                Arguments.of("&minElapsed=1500", List.of(TX_E, TX_D, TX_B)),
                Arguments.of("&maxElapsed=35", List.of(TX_C, TX_A)),
                Arguments.of("&minElapsed=1500&maxElapsed=3500", List.of(TX_E, TX_B)),
                Arguments.of("&minElapsed=35&maxElapsed=35", List.of(TX_A)),
                Arguments.of("&agentId=petstore-2", List.of(TX_D)),
                Arguments.of("&agentId=nobody", List.of()),
                Arguments.of("&minElapsed=10&maxElapsed=5000&error=false&clientIp=" + enc("10.0.0.0/8")
                        + "&url=" + enc("/owners*") + "&agentId=petstore-1", List.of(TX_B, TX_A)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void everyFilterOnTransactionsAndScatter(String filter, List<String> expectedIds) {
        JsonNode transactions = ok(list("transactions", filter));
        assertThat(ids(transactions)).containsExactlyElementsOf(expectedIds);
        assertThat(transactions.path("complete").asBoolean()).isTrue();
        assertThat(ids(ok(list("scatter", filter)))).containsExactlyElementsOf(expectedIds);
    }

    @Test
    void pagesFollowTheCursorToTheEnd() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        List<Boolean> completes = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            JsonNode r = ok(list("transactions", "&limit=2" + (cursor == null ? "" : "&cursor=" + enc(cursor))));
            seen.addAll(ids(r));
            completes.add(r.path("complete").asBoolean());
            if (r.path("complete").asBoolean()) {
                assertThat(r.path("next").isNull()).isTrue();
                break;
            }
            cursor = r.path("next").asText();
            assertThat(cursor).isNotBlank();
        }
        assertThat(seen).containsExactly(TX_E, TX_D, TX_C, TX_B, TX_A);
        assertThat(completes).containsExactly(false, false, true);

        JsonNode first = ok(list("scatter", "&limit=3"));
        assertThat(ids(first)).containsExactly(TX_E, TX_D, TX_C);
        assertThat(first.path("complete").asBoolean()).isFalse();
        JsonNode rest = ok(list("scatter", "&limit=3&cursor=" + enc(first.path("next").asText())));
        assertThat(ids(rest)).containsExactly(TX_B, TX_A);
        assertThat(rest.path("complete").asBoolean()).isTrue();
    }

    @Test
    void callTreeAcrossBothApplications() {
        JsonNode expected = expected("""
                {"transactionId":"%s",
                 "callTree":[
                  {"id":1,"parentId":0,"depth":0,"application":"petstore","agentId":"petstore-1","serviceType":"TOMCAT",
                   "api":"GET /owners/1","argument":null,"bindValues":null,"startTime":@T+1000,"elapsed":35,"self":13,
                   "error":false,"exception":null,"destination":null,"status":200,"spanId":"00000000000000a1"},
                  {"id":2,"parentId":1,"depth":1,"application":"petstore","agentId":"petstore-1","serviceType":"H2",
                   "api":"PreparedStatement.executeQuery","argument":"select * from owners where id = ?","bindValues":["1",null],
                   "startTime":@T+1004,"elapsed":2,"self":2,"error":false,"exception":null,"destination":"petdb",
                   "status":null,"spanId":"00000000000000a1"},
                  {"id":3,"parentId":1,"depth":1,"application":"petstore","agentId":"petstore-1","serviceType":"HTTP_CLIENT",
                   "api":"HttpURLConnection.getInputStream","argument":"GET http://127.0.0.1:8081/stock/1","bindValues":null,
                   "startTime":@T+1010,"elapsed":20,"self":5,"error":false,"exception":null,"destination":"127.0.0.1:8081",
                   "status":200,"spanId":"00000000000000a1"},
                  {"id":4,"parentId":3,"depth":2,"application":"inventory","agentId":"inventory-1","serviceType":"TOMCAT",
                   "api":"GET /stock/1","argument":null,"bindValues":null,"startTime":@T+1012,"elapsed":15,"self":12,
                   "error":false,"exception":null,"destination":null,"status":200,"spanId":"00000000000000b1"},
                  {"id":5,"parentId":4,"depth":3,"application":"inventory","agentId":"inventory-1","serviceType":"H2",
                   "api":"PreparedStatement.executeQuery","argument":"select quantity from stock where item_id = ?",
                   "bindValues":["1"],"startTime":@T+1014,"elapsed":3,"self":3,"error":false,"exception":null,
                   "destination":"invdb","status":null,"spanId":"00000000000000b1"}]}""".formatted(TX_A));
        assertThat(ok("/api/transactions/" + TX_A)).isEqualTo(expected);
        assertThat(ok("/api/transactions/" + TX_A.toUpperCase())).isEqualTo(expected);
    }

    @Test
    void callTreeOfAFailureWithExceptionsAndBindValues() {
        assertThat(ok("/api/transactions/" + TX_C)).isEqualTo(expected("""
                {"transactionId":"%s",
                 "callTree":[
                  {"id":1,"parentId":0,"depth":0,"application":"petstore","agentId":"petstore-1","serviceType":"TOMCAT",
                   "api":"POST /fail","argument":null,"bindValues":null,"startTime":@T+3000,"elapsed":12,"self":9,"error":true,
                   "exception":"java.lang.IllegalStateException: checkout failed: <script>window.__sightlineXss=1</script>",
                   "destination":null,"status":500,"spanId":"00000000000000a3"},
                  {"id":2,"parentId":1,"depth":1,"application":"petstore","agentId":"petstore-1","serviceType":"H2",
                   "api":"PreparedStatement.executeUpdate","argument":"update orders set state = ? where id = ?",
                   "bindValues":["paid","7"],"startTime":@T+3005,"elapsed":3,"self":3,"error":true,
                   "exception":"org.h2.jdbc.JdbcSQLSyntaxErrorException: Table \\"ORDERS\\" not found",
                   "destination":"petdb","status":null,"spanId":"00000000000000a3"}]}""".formatted(TX_C)));
        // an outgoing call that failed with 503 to an uninstrumented host
        JsonNode http = ok("/api/transactions/" + TX_E).path("callTree").get(1);
        assertThat(http).isEqualTo(expected("""
                {"id":2,"parentId":1,"depth":1,"application":"petstore","agentId":"petstore-1","serviceType":"HTTP_CLIENT",
                 "api":"HttpURLConnection.getInputStream","argument":"GET https://api.example.com/q","bindValues":null,
                 "startTime":@T+5050,"elapsed":3400,"self":3400,"error":true,"exception":null,
                 "destination":"api.example.com:443","status":503,"spanId":"00000000000000a5"}"""));
    }

    @Test
    void agentStatsWithPoolGauges() {
        assertThat(ok("/api/agents/petstore-1/stats" + data.window().replaceFirst("&", "?"))).isEqualTo(expected("""
                {"timestamps":[@T,@T+5000,@T+10000],
                 "heapUsed":[100000000,120000000,110000000],"heapMax":[536870912,536870912,536870912],
                 "nonHeapUsed":[50000000,60000000,55000000],"gcCount":[0,2,1],"gcTime":[0,15,7],
                 "cpuProcess":[0.25,0.5,0.125],"cpuSystem":[0.5,0.75,0.375],"threads":[20,22,21],
                 "activeRequests":[0,1,2],"tps":[2.5,4.0,0.5],"responseTimeAvg":[12.0,35.5,5200.0],
                 "pools":[{"name":"HikariPool-1","active":[null,2,0],"idle":[null,8,10],"max":[null,10,10],
                           "pending":[null,1,0]}]}"""));
        // [from, to): the sample at `to` is left out
        assertThat(ok("/api/agents/petstore-1/stats?from=" + (data.t + 1) + "&to=" + (data.t + 10_000))
                .path("timestamps")).isEqualTo(expected("[@T+5000]"));
        assertThat(ok("/api/agents/inventory-1/stats" + data.window().replaceFirst("&", "?"))).isEqualTo(expected("""
                {"timestamps":[],"heapUsed":[],"heapMax":[],"nonHeapUsed":[],"gcCount":[],"gcTime":[],"cpuProcess":[],
                 "cpuSystem":[],"threads":[],"activeRequests":[],"tps":[],"responseTimeAvg":[],"pools":[]}"""));
    }

    @Test
    void oneAgent() {
        JsonNode agent = ok("/api/agents/petstore-2");
        assertThat(agent.path("lastSeen").asLong()).isBetween(data.shutdownFrom, data.shutdownTo);
        ((ObjectNode) agent).put("lastSeen", 0);
        assertThat(agent).isEqualTo(expected("""
                {"agentId":"petstore-2","applicationName":"petstore","hostname":"web-2","ip":"10.0.0.2","pid":4343,
                 "startTime":1700000000000,"jvmVersion":"17.0.15","agentVersion":"0.1.0","status":"SHUTDOWN","lastSeen":0}"""));
    }

    @Test
    void activeRequestsAskedOverTheAgentsCommandStream() {
        assertThat(ok("/api/agents/petstore-1/active")).isEqualTo(expected("""
                [{"transactionId":"77777777777777777777777777777777","uri":"/slow","startTime":@T+20000,"elapsed":8123,
                  "threadName":"http-nio-8080-exec-3",
                  "stack":["java.lang.Thread.sleep(Native Method)","io.sightline.demo.ShopController.slow(ShopController.java:42)"]},
                 {"transactionId":null,"uri":"/fast","startTime":@T+30000,"elapsed":5,"threadName":"http-nio-8080-exec-4",
                  "stack":[]}]"""));
        assertThat(ok("/api/me")).isEqualTo(expected("{\"username\":\"admin\"}"));
    }

    @Test
    void densityPagesThroughTheStorageAndKeepsEveryPoint() {
        JsonNode d = ok("/api/scatter/density?application=" + PETSTORE + data.window() + "&columns=4");
        List<long[]> cells = new ArrayList<>();
        for (long[] c : new long[][] {{35, 0}, {1500, 0}, {12, 1}, {5200, 0}, {3500, 0}}) {
            cells.add(new long[] {0, ScatterDensity.row(c[0]), c[1] == 0 ? 1 : 0, c[1]});
        }
        cells.sort(Comparator.<long[]>comparingLong(c -> c[1]));
        // one column: its first cell carries its row, the others the step from the row before
        StringBuilder dc = new StringBuilder();
        StringBuilder dr = new StringBuilder();
        StringBuilder ok = new StringBuilder();
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            long[] c = cells.get(i);
            String sep = i == 0 ? "" : ",";
            dc.append(sep).append(i == 0 ? c[0] : 0);
            dr.append(sep).append(i == 0 ? c[1] : c[1] - cells.get(i - 1)[1]);
            ok.append(sep).append(c[2]);
            bad.append(sep).append(c[3]);
        }
        String cellJson = "{\"columnDelta\":[" + dc + "],\"rowDelta\":[" + dr + "],\"success\":[" + ok + "],\"error\":[" + bad + "]}";
        assertThat(d).isEqualTo(expected("""
                {"from":@T,"to":@T+60000,"columns":4,"rowRatio":1.04,"total":5,"errors":1,"minElapsed":12,"maxElapsed":5200,
                 "cells":%s,
                 "points":[
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+5000,"elapsed":3500,"error":false},
                  {"transactionId":"%s","agentId":"petstore-2","startTime":@T+4000,"elapsed":5200,"error":false},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+3000,"elapsed":12,"error":true},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+2000,"elapsed":1500,"error":false},
                  {"transactionId":"%s","agentId":"petstore-1","startTime":@T+1000,"elapsed":35,"error":false}],
                 "pointsComplete":true,"complete":true}""".formatted(cellJson, TX_E, TX_D, TX_C, TX_B, TX_A)));
        // pages of two (sightline.web.density-page-size) with the storage's own cursors: three reads
        assertThat(queries.seen).extracting(TransactionQuery::limit).containsExactly(2, 2, 2);
        assertThat(queries.seen.get(0).cursor()).isNull();
        assertThat(queries.seen.subList(1, 3)).allSatisfy(q -> assertThat(q.cursor()).isNotBlank());

        queries.clear();
        JsonNode capped = ok("/api/scatter/density?application=" + PETSTORE + data.window() + "&maxPoints=3&exactPoints=1");
        assertThat(capped.path("total").asLong()).isEqualTo(3);
        assertThat(capped.path("complete").asBoolean()).isFalse();
        assertThat(queries.seen).extracting(TransactionQuery::limit).containsExactly(2, 1);
        // of the three newest (E, D, C) the slowest one is kept as an exact point
        assertThat(ids(capped)).containsExactly(TX_D);
        assertThat(capped.path("pointsComplete").asBoolean()).isFalse();
    }

    @Test
    void summaryReadsWholeBucketsFromThePreAggregateAndTheEdgesFromTheIndex() {
        // the minute is whole 5 s buckets: one read of the pre-aggregate, none of the index
        JsonNode whole = ok("/api/scatter/summary?application=" + PETSTORE + data.window() + "&columns=4");
        assertThat(queries.calls).containsExactly("scatterDensity " + PETSTORE + " " + data.t + " " + (data.t + 60_000));
        JsonNode density = ok("/api/scatter/density?application=" + PETSTORE + data.window() + "&columns=4");
        // every point alone in its cell: the same cells, points and exact elapsed range as the index gives
        assertThat((JsonNode) ((com.fasterxml.jackson.databind.node.ObjectNode) whole.deepCopy()).without(List.of("aggregatedFrom", "aggregatedTo")))
                .isEqualTo(density);
        assertThat(whole.path("aggregatedFrom").asLong()).isEqualTo(data.t);
        assertThat(whole.path("aggregatedTo").asLong()).isEqualTo(data.t + 60_000);

        // from inside a bucket: [t+2500, t+5000) from the index (C and D), the rest from the pre-aggregate (E...)
        queries.clear();
        JsonNode edge = ok("/api/scatter/summary?application=" + PETSTORE + "&from=" + (data.t + 2_500) + "&to=" + (data.t + 60_000)
                + "&columns=4");
        assertThat(queries.calls).containsExactly("scatterDensity " + PETSTORE + " " + (data.t + 5_000) + " " + (data.t + 60_000),
                "scatter " + PETSTORE);
        assertThat(queries.seen.get(0).from()).isEqualTo(data.t + 2_500);
        assertThat(queries.seen.get(0).to()).isEqualTo(data.t + 5_000);
        assertThat(edge.path("total").asLong()).isEqualTo(3);
        assertThat(ids(edge)).containsExactly(TX_E, TX_D, TX_C);
        assertThat(edge.path("complete").asBoolean()).isTrue();

        // the error filter applies to the pre-aggregate's counts and points
        JsonNode errors = ok("/api/scatter/summary?application=" + PETSTORE + data.window() + "&error=true");
        assertThat(errors.path("total").asLong()).isEqualTo(1);
        assertThat(errors.path("errors").asLong()).isEqualTo(1);
        assertThat(ids(errors)).containsExactly(TX_C);
        JsonNode successes = ok("/api/scatter/summary?application=" + PETSTORE + data.window() + "&error=false");
        assertThat(ids(successes)).containsExactly(TX_E, TX_D, TX_B, TX_A);
        assertThat(successes.path("errors").asLong()).isZero();

        // the newest seconds are not flushed by the collectors yet: read from the index
        queries.clear();
        long now = System.currentTimeMillis();
        JsonNode recent = ok("/api/scatter/summary?application=" + PETSTORE + "&from=" + data.t + "&to=" + (now + 60_000));
        assertThat(recent.path("total").asLong()).isEqualTo(5);
        long aggregatedTo = recent.path("aggregatedTo").asLong();
        assertThat(aggregatedTo).isLessThanOrEqualTo(now - io.sightline.web.api.ApiController.SUMMARY_FRESH_MS).isGreaterThan(now - 60_000);
        assertThat(queries.seen).extracting(TransactionQuery::from).containsExactly(aggregatedTo);
    }

    @Test
    void answersAreGzippedWhenTheClientAcceptsIt() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.function.BiFunction<String, Boolean, HttpResponse<byte[]>> get = (path, gzip) -> {
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                            .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            if (gzip) {
                b.header("Accept-Encoding", "gzip");
            }
            try {
                return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        HttpResponse<byte[]> plain = get.apply("/api/openapi.yaml", false);
        HttpResponse<byte[]> zipped = get.apply("/api/openapi.yaml", true);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body().length).isGreaterThan(2048);
        assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        // JSON is written without a known length, so Tomcat compresses it whatever its size; still the same answer
        HttpResponse<byte[]> me = get.apply("/api/me", true);
        assertThat(me.headers().firstValue("Content-Encoding")).contains("gzip");
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(me.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"username\":\"admin\"}");
        }
    }

    @Test
    void summaryOfASmallWindowCarriesAllItsPointsWhenAsked() {
        String w = "/api/scatter/summary?application=" + PETSTORE + data.window() + "&columns=4";
        JsonNode whole = ok(w + "&allPointsUpTo=5");
        JsonNode page = ok("/api/scatter?application=" + PETSTORE + data.window());
        assertThat(whole.path("allPoints")).isEqualTo(page.path("points"));
        assertThat(ids(page)).containsExactly(TX_E, TX_D, TX_C, TX_B, TX_A);
        // the index read for them has the summary's window and outcome filter, and a limit of the bound
        queries.clear();
        JsonNode errors = ok(w + "&error=true&allPointsUpTo=5");
        assertThat(errors.path("allPoints")).hasSize(1);
        assertThat(errors.path("allPoints").get(0).path("transactionId").asText()).isEqualTo(TX_C);
        assertThat(queries.seen).singleElement().satisfies(q -> {
            assertThat(q.limit()).isEqualTo(5);
            assertThat(q.error()).isTrue();
        });
        // more transactions than the bound, or not asked: no list at all
        assertThat(ok(w + "&allPointsUpTo=4").has("allPoints")).isFalse();
        assertThat(ok(w).has("allPoints")).isFalse();
    }

    // ------------------------------------------------------------------ refusals

    static Stream<Arguments> badRequests() {
        String w = "&from=1700000000000&to=1700000060000";
        String app = "/api/transactions?application=petstore";
        return Stream.of(
                Arguments.of("/api/servermap?from=1&to=2", "application", "application is required"),
                Arguments.of("/api/servermap?application=%20&from=1&to=2", "application", "application is required"),
                Arguments.of("/api/servermap?application=petstore&to=2", "from", "from is required"),
                Arguments.of("/api/servermap?application=petstore&from=1", "to", "to is required"),
                Arguments.of("/api/servermap?application=petstore&from=abc&to=2", "from", "from must be a whole number, got \"abc\""),
                Arguments.of("/api/servermap?application=petstore&from=1&to=1.5", "to", "to must be a whole number, got \"1.5\""),
                Arguments.of("/api/servermap?application=petstore&from=5&to=5", "from", "from must be less than to (from=5, to=5)"),
                Arguments.of("/api/servermap?application=petstore&from=-1&to=5", "from", "from must be between 0 and 9223372036854775807, got -1"),
                Arguments.of("/api/servermap?application=petstore&from=99999999999999999999&to=5", "from", "from must be a whole number, got \"99999999999999999999\""),
                Arguments.of("/api/servermap?application=" + "a".repeat(1025) + "&from=1&to=2", "application", "application must be at most 1024 characters"),
                Arguments.of("/api/servermap?application=a%07b&from=1&to=2", "application", "application must not contain control characters"),
                Arguments.of("/api/scatter?from=1&to=2", "application", "application is required"),
                Arguments.of("/api/scatter?application=a&application=b&from=1&to=2", "application", "application is given 2 times; give it once"),
                Arguments.of("/api/scatter?application=petstore" + w + "&limit=0", "limit", "limit must be between 1 and 100000, got 0"),
                Arguments.of(app + w + "&limit=0", "limit", "limit must be between 1 and 100000, got 0"),
                Arguments.of(app + w + "&limit=100001", "limit", "limit must be between 1 and 100000, got 100001"),
                Arguments.of(app + w + "&limit=ten", "limit", "limit must be a whole number, got \"ten\""),
                Arguments.of(app + w + "&error=yes", "error", "error must be true or false, got \"yes\""),
                Arguments.of(app + w + "&error=TRUE", "error", "error must be true or false, got \"TRUE\""),
                Arguments.of(app + w + "&minElapsed=-1", "minElapsed", "minElapsed must be between 0 and 9223372036854775807, got -1"),
                Arguments.of(app + w + "&maxElapsed=x", "maxElapsed", "maxElapsed must be a whole number, got \"x\""),
                Arguments.of(app + w + "&minElapsed=10&maxElapsed=9", "minElapsed", "minElapsed must not exceed maxElapsed (minElapsed=10, maxElapsed=9)"),
                Arguments.of(app + w + "&clientIp=not-an-ip", "clientIp", "clientIp is not an IP address or CIDR block: not-an-ip"),
                Arguments.of(app + w + "&clientIp=10.0.0.0/33", "clientIp", "clientIp prefix length must be 0..32: 10.0.0.0/33"),
                Arguments.of(app + w + "&clientIp=", "clientIp", "clientIp must not be empty"),
                Arguments.of(app + w + "&url=", "url", "url must not be empty"),
                Arguments.of(app + w + "&url=" + "a".repeat(2049), "url", "url must be at most 2048 characters"),
                Arguments.of(app + w + "&agentId=", "agentId", "agentId must not be empty"),
                Arguments.of(app + w + "&cursor=%20bad%20", "cursor", "cursor is not a value returned as next by a previous page"),
                Arguments.of("/api/transactions/not-hex", "transactionId", "transactionId must be 32 hexadecimal digits, got \"not-hex\""),
                Arguments.of("/api/transactions/4bf92f3577b34da6a3ce929d0e0e473", "transactionId", "transactionId must be 32 hexadecimal digits, got \"4bf92f3577b34da6a3ce929d0e0e473\""),
                Arguments.of("/api/agents/petstore-1/stats?to=5", "from", "from is required"),
                Arguments.of("/api/agents/petstore-1/stats?from=9&to=5", "from", "from must be less than to (from=9, to=5)"),
                Arguments.of("/api/scatter/density?application=petstore" + w + "&columns=0", "columns", "columns must be between 1 and 4000, got 0"),
                Arguments.of("/api/scatter/density?application=petstore" + w + "&exactPoints=-1", "exactPoints", "exactPoints must be between 0 and 100000, got -1"),
                Arguments.of("/api/scatter/density?application=petstore" + w + "&maxPoints=0", "maxPoints", "maxPoints must be between 1 and 5000000, got 0"),
                Arguments.of("/api/scatter/density?application=petstore" + w + "&limit=5", "limit", "limit and cursor are not used by /api/scatter/density; use maxPoints"),
                Arguments.of("/api/scatter/summary?application=petstore" + w + "&url=/x", "url", "url is not used by /api/scatter/summary; use /api/scatter/density"),
                Arguments.of("/api/scatter/summary?application=petstore" + w + "&minElapsed=5", "minElapsed", "minElapsed is not used by /api/scatter/summary; use /api/scatter/density"),
                Arguments.of("/api/scatter/summary?application=petstore" + w + "&columns=4001", "columns", "columns must be between 1 and 4000, got 4001"),
                Arguments.of("/api/scatter/summary?from=1&to=2", "application", "application is required"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badRequests")
    void badParametersAre400NamingTheParameter(String path, String parameter, String message) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Http.json(r)).isEqualTo(Http.JSON.valueToTree(Map.of("error", message)));
        assertThat(message).startsWith(parameter);
        assertThat(queries.calls).as("nothing reached the storage").isEmpty();
    }

    @Test
    void cursorsTheStorageRejectsAreTheClientsMistake() {
        // well-formed text, but not a cursor of ours / not of this window
        String foreign = ok(list("transactions", "&limit=1")).path("next").asText();
        assertError(list("scatter", "&cursor=bm90LWEtY3Vyc29y"), 400, "cursor is not a value returned as next by a previous page");
        assertError("/api/transactions?application=petstore&from=1&to=2&cursor=" + enc(foreign), 400,
                "cursor is not a value returned as next by a previous page");
    }

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping mappings;

    @Test
    @SuppressWarnings("unchecked")
    void openApiDocumentDescribesEveryEndpoint() {
        HttpResponse<String> r = api.get("/api/openapi.yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
        Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(r.body());
        assertThat(doc.get("openapi")).isEqualTo("3.0.3");
        java.util.Set<String> documented = ((Map<String, Object>) doc.get("paths")).keySet();
        java.util.Set<String> served = new java.util.TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType() == io.sightline.web.api.ApiController.class) {
                info.getPatternValues().stream().filter(p -> !p.equals("/api/**")).forEach(served::add);
            }
        });
        assertThat(new java.util.TreeSet<>(documented)).isEqualTo(served);
    }

    @Test
    void unknownIdsAre404() {
        assertError("/api/transactions/00000000000000000000000000000001", 404, "no transaction 00000000000000000000000000000001");
        assertError("/api/agents/nobody/stats?from=0&to=5", 404, "no agent nobody");
        assertError("/api/agents/nobody", 404, "no agent nobody");
        assertError("/api/agents/nobody/active", 404, "agent nobody is not connected");
        // known to the storage, but its command stream is not open
        assertError("/api/agents/inventory-1/active", 404, "agent inventory-1 is not connected");
        assertError("/api/nothing/here", 404, "no such API: /api/nothing/here");
    }

    @Test
    void wrongMethodIsJsonToo() {
        HttpResponse<String> r = api.postForm("/api/applications", "", false);
        // CSRF comes first for a POST without a token: still JSON, no stack trace
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.json(r)).isEqualTo(Http.JSON.valueToTree(Map.of("error", "forbidden (missing or stale CSRF token?)")));
    }

    void assertError(String path, int status, String message) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(status);
        assertThat(Http.json(r)).isEqualTo(Http.JSON.valueToTree(Map.of("error", message)));
    }
}
