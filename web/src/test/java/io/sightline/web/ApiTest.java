package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.storage.query.IpRange;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.query.UrlMatch;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
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

/** The REST API over real HTTP with HTTP Basic: shapes, validation, 404s, 500s. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiTest {
    static final String PASSWORD = "test-password-123";
    static final String W = "&from=1700000000000&to=1700000060000";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("sightline.data-dir", dataDir::toString);
        r.add(AdminPassword.ENV, () -> PASSWORD);
    }

    @LocalServerPort
    int port;

    @Autowired
    FixtureQueries queries;

    Http api;

    @BeforeEach
    void client() {
        api = new Http(port).basic("admin", PASSWORD);
        queries.seen.clear();
    }

    JsonNode ok(String path) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return Http.json(r);
    }

    @Test
    void applicationsInTheContractShape() throws Exception {
        assertThat(ok("/api/applications")).isEqualTo(Http.JSON.readTree("""
                [{"name":"petstore","serviceType":"TOMCAT",
                  "agents":[{"agentId":"petstore-1","applicationName":"petstore","hostname":"h","ip":"10.0.0.1","pid":42,
                             "startTime":1700000000000,"jvmVersion":"17.0.15","agentVersion":"0.1.0",
                             "status":"RUNNING","lastSeen":1700000005000}]}]"""));
    }

    @Test
    void serverMapInTheContractShape() throws Exception {
        assertThat(ok("/api/servermap?application=petstore" + W)).isEqualTo(Http.JSON.readTree("""
                {"nodes":[{"key":"petstore^TOMCAT","name":"petstore","serviceType":"TOMCAT",
                           "totalCount":120,"errorCount":2,
                           "histogram":{"1s":110,"3s":6,"5s":1,"slow":1,"error":2}}],
                 "links":[{"from":"USER^USER","to":"petstore^TOMCAT","totalCount":120,"errorCount":2,
                           "avgElapsed":35.2,"maxElapsed":5210,
                           "histogram":{"1s":110,"3s":6,"5s":1,"slow":1,"error":2}}]}"""));
    }

    @Test
    void scatterWithEveryFilterBuildsTheExactQuery() throws Exception {
        JsonNode body = ok("/api/scatter?application=petstore" + W + "&minElapsed=10&maxElapsed=5000&error=false"
                + "&clientIp=10.0.0.0/8&url=/owners/*&agentId=petstore-1&limit=500&cursor=abc");
        assertThat(body).isEqualTo(Http.JSON.readTree("""
                {"points":[{"transactionId":"4bf92f3577b34da6a3ce929d0e0e4736","agentId":"petstore-1",
                            "startTime":1700000000123,"elapsed":35,"error":false}],
                 "complete":true,"next":null}"""));
        assertThat(body.has("next")).isTrue();
        TransactionQuery q = queries.seen.get(0);
        IpRange ip = IpRange.parse("10.0.0.0/8");
        assertThat(q).usingRecursiveComparison().isEqualTo(new TransactionQuery("petstore", 1700000000000L,
                1700000060000L, 10L, 5000L, false, ip, UrlMatch.parse("/owners/*"), "petstore-1", 500, "abc"));
        assertThat(q.url().glob()).isTrue();
    }

    @Test
    void defaultsWhenOnlyTheRequiredParametersAreGiven() {
        ok("/api/transactions?application=petstore" + W);
        assertThat(queries.seen.get(0)).isEqualTo(new TransactionQuery("petstore", 1700000000000L, 1700000060000L,
                null, null, null, null, null, null, TransactionQuery.DEFAULT_LIMIT, null));
    }

    @Test
    void transactionsInTheContractShape() throws Exception {
        JsonNode body = ok("/api/transactions?application=petstore" + W + "&error=true&limit=100000");
        assertThat(body).isEqualTo(Http.JSON.readTree("""
                {"transactions":[{"transactionId":"4bf92f3577b34da6a3ce929d0e0e4736","application":"petstore",
                  "agentId":"petstore-1","startTime":1700000000123,"elapsed":35,"uri":"/owners/1",
                  "uriTemplate":"/owners/{ownerId}","clientIp":"127.0.0.1","error":false,"exception":null,
                  "status":200,"method":"GET"}],
                 "complete":true,"next":null}"""));
        assertThat(queries.seen.get(0).error()).isTrue();
        assertThat(queries.seen.get(0).limit()).isEqualTo(100_000);
    }

    @Test
    void callTreeInTheContractShapeAndUpperCaseIdsAccepted() throws Exception {
        JsonNode expected = Http.JSON.readTree("""
                {"transactionId":"4bf92f3577b34da6a3ce929d0e0e4736",
                 "callTree":[{"id":1,"parentId":0,"depth":0,"application":"petstore","agentId":"petstore-1",
                              "serviceType":"TOMCAT","api":"GET /owners/1","argument":null,"bindValues":null,
                              "startTime":1700000000123,"elapsed":35,"self":3,
                              "error":false,"exception":null,"destination":null,"status":200,"spanId":"a1"},
                             {"id":2,"parentId":1,"depth":1,"application":"petstore","agentId":"petstore-1",
                              "serviceType":"H2","api":"PreparedStatement.executeQuery",
                              "argument":"select * from owners where id = ?","bindValues":["1",null],
                              "startTime":1700000000127,"elapsed":2,"self":2,
                              "error":false,"exception":null,"destination":"testdb","status":null,"spanId":"a1"}]}""");
        assertThat(ok("/api/transactions/" + FixtureQueries.TX)).isEqualTo(expected);
        assertThat(ok("/api/transactions/" + FixtureQueries.TX.toUpperCase())).isEqualTo(expected);
    }

    @Test
    void agentStatsAndActiveRequests() throws Exception {
        assertThat(ok("/api/agents/petstore-1/stats?from=0&to=2000")).isEqualTo(Http.JSON.readTree("""
                {"timestamps":[1000],"heapUsed":[100],"heapMax":[1024],"nonHeapUsed":[50],"gcCount":[1],
                 "gcTime":[3],"cpuProcess":[0.25],"cpuSystem":[0.5],"threads":[20],
                 "activeRequests":[1],"tps":[2.5],"responseTimeAvg":[12.0],"pools":[]}"""));
        assertThat(ok("/api/agents/petstore-1/active")).isEqualTo(Http.JSON.readTree("""
                [{"transactionId":"4bf92f3577b34da6a3ce929d0e0e4736","uri":"/slow","startTime":1700000000123,
                  "elapsed":8123,"threadName":"http-nio-8080-exec-3",
                  "stack":["org.example.Slow.sleep(Slow.java:12)"]}]"""));
        assertThat(ok("/api/me")).isEqualTo(Http.JSON.readTree("{\"username\":\"admin\"}"));
    }

    static Stream<Arguments> badRequests() {
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
                Arguments.of("/api/scatter?from=1&to=2", "application", "application is required"),
                Arguments.of("/api/scatter?application=a&application=b&from=1&to=2", "application", "application is given 2 times; give it once"),
                Arguments.of(app + W + "&limit=0", "limit", "limit must be between 1 and 100000, got 0"),
                Arguments.of(app + W + "&limit=100001", "limit", "limit must be between 1 and 100000, got 100001"),
                Arguments.of(app + W + "&limit=ten", "limit", "limit must be a whole number, got \"ten\""),
                Arguments.of(app + W + "&error=yes", "error", "error must be true or false, got \"yes\""),
                Arguments.of(app + W + "&error=TRUE", "error", "error must be true or false, got \"TRUE\""),
                Arguments.of(app + W + "&minElapsed=-1", "minElapsed", "minElapsed must be between 0 and 9223372036854775807, got -1"),
                Arguments.of(app + W + "&maxElapsed=x", "maxElapsed", "maxElapsed must be a whole number, got \"x\""),
                Arguments.of(app + W + "&minElapsed=10&maxElapsed=9", "minElapsed", "minElapsed must not exceed maxElapsed (minElapsed=10, maxElapsed=9)"),
                Arguments.of(app + W + "&clientIp=not-an-ip", "clientIp", "clientIp is not an IP address or CIDR block: not-an-ip"),
                Arguments.of(app + W + "&clientIp=10.0.0.0/33", "clientIp", "clientIp prefix length must be 0..32: 10.0.0.0/33"),
                Arguments.of(app + W + "&clientIp=", "clientIp", "clientIp must not be empty"),
                Arguments.of(app + W + "&url=", "url", "url must not be empty"),
                Arguments.of(app + W + "&url=" + "a".repeat(2049), "url", "url must be at most 2048 characters"),
                Arguments.of(app + W + "&agentId=", "agentId", "agentId must not be empty"),
                Arguments.of(app + W + "&cursor=%20bad%20", "cursor", "cursor is not a value returned as next by a previous page"),
                Arguments.of("/api/transactions/not-hex", "transactionId", "transactionId must be 32 hexadecimal digits, got \"not-hex\""),
                Arguments.of("/api/transactions/4bf92f3577b34da6a3ce929d0e0e473", "transactionId", "transactionId must be 32 hexadecimal digits, got \"4bf92f3577b34da6a3ce929d0e0e473\""),
                Arguments.of("/api/agents/petstore-1/stats?to=5", "from", "from is required"),
                Arguments.of("/api/agents/petstore-1/stats?from=9&to=5", "from", "from must be less than to (from=9, to=5)"),
                Arguments.of("/api/scatter/density?application=petstore" + W + "&columns=0", "columns", "columns must be between 1 and 4000, got 0"),
                Arguments.of("/api/scatter/density?application=petstore" + W + "&exactPoints=-1", "exactPoints", "exactPoints must be between 0 and 100000, got -1"),
                Arguments.of("/api/scatter/density?application=petstore" + W + "&maxPoints=0", "maxPoints", "maxPoints must be between 1 and 5000000, got 0"),
                Arguments.of("/api/scatter/density?application=petstore" + W + "&limit=5", "limit", "limit and cursor are not used by /api/scatter/density; use maxPoints"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badRequests")
    void badParametersAre400NamingTheParameter(String path, String parameter, String message) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = Http.json(r);
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.path("error").asText()).startsWith(parameter).isEqualTo(message);
        assertThat(queries.seen).isEmpty(); // nothing reached the storage
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
        java.util.Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(r.body());
        assertThat(doc.get("openapi")).isEqualTo("3.0.3");
        java.util.Set<String> documented = ((java.util.Map<String, Object>) doc.get("paths")).keySet();
        java.util.Set<String> served = new java.util.TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType() == io.sightline.web.api.ApiController.class) {
                info.getPatternValues().stream().filter(p -> !p.equals("/api/**")).forEach(served::add);
            }
        });
        assertThat(new java.util.TreeSet<>(documented)).isEqualTo(served);
    }

    @Test
    void aCursorTheStorageRejectsIsTheClientsMistake() {
        assertError("/api/scatter?application=petstore" + W + "&cursor=bad", 400,
                "cursor is not a value returned as next by a previous page");
        assertThat(queries.seen).extracting(TransactionQuery::cursor).containsExactly("bad");
    }

    @Test
    void unknownIdsAre404() {
        assertError("/api/transactions/00000000000000000000000000000001", 404, "no transaction 00000000000000000000000000000001");
        assertError("/api/agents/nobody/stats?from=0&to=5", 404, "no agent nobody");
        assertError("/api/agents/nobody", 404, "no agent nobody");
        assertError("/api/agents/nobody/active", 404, "agent nobody is not connected");
        assertError("/api/nothing/here", 404, "no such API: /api/nothing/here");
    }

    @Test
    void failuresAre500WithoutDetailsOrStackTraces() {
        for (String path : List.of("/api/scatter?application=boom" + W, "/api/servermap?application=boom" + W,
                "/api/transactions?application=boom" + W)) {
            HttpResponse<String> r = api.get(path);
            assertThat(r.statusCode()).isEqualTo(500);
            JsonNode body = Http.json(r);
            assertThat(body.size()).isEqualTo(1);
            assertThat(body.path("error").asText()).matches("internal error \\(id [0-9a-f]{8}; details in the server log\\)");
            assertThat(r.body()).doesNotContain("hunter2", "exploded", "Exception", "\tat ", "io.sightline");
        }
    }

    @Test
    void wrongMethodIsJsonToo() {
        HttpResponse<String> r = api.postForm("/api/applications", "", false);
        // CSRF comes first for a POST without a token: still JSON, no stack trace
        assertThat(r.statusCode()).isIn(403, 405);
        assertThat(Http.json(r).path("error").asText()).isNotEmpty();
    }

    void assertError(String path, int status, String message) {
        HttpResponse<String> r = api.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(status);
        JsonNode body = Http.json(r);
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.path("error").asText()).isEqualTo(message);
    }

    @Test
    void densityReadsEveryPageAndKeepsEveryPoint() {
        String q = "/api/scatter/density?application=big&from=" + FixtureQueries.BIG_FROM + "&to="
                + (FixtureQueries.BIG_FROM + FixtureQueries.BIG) + "&columns=250";
        JsonNode d = ok(q);
        assertThat(d.path("total").asLong()).isEqualTo(FixtureQueries.BIG);
        assertThat(d.path("errors").asLong()).isEqualTo((FixtureQueries.BIG - 1) / 997 + 1);
        assertThat(d.path("complete").asBoolean()).isTrue();
        assertThat(d.path("points").size()).isLessThanOrEqualTo(2000);
        assertThat(d.has("pointsComplete")).isTrue();
        assertThat(d.path("minElapsed").asLong()).isZero();
        assertThat(d.path("maxElapsed").asLong()).isEqualTo(999);
        long sum = 0;
        for (JsonNode c : d.path("cells")) {
            sum += c.get(2).asLong() + c.get(3).asLong();
        }
        assertThat(sum).isEqualTo(FixtureQueries.BIG);
        // pages of 100,000 with the storage's cursors: 3 reads
        assertThat(queries.seen).extracting(TransactionQuery::cursor).containsExactly(null, "100000", "200000");
        assertThat(queries.seen).extracting(TransactionQuery::limit).containsExactly(100_000, 100_000, 100_000);

        JsonNode capped = ok(q + "&maxPoints=150000");
        assertThat(capped.path("total").asLong()).isEqualTo(150_000);
        assertThat(capped.path("complete").asBoolean()).isFalse();
    }
}
