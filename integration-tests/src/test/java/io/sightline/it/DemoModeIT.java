package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a new user does first: {@code java -jar dist/sightline-server.jar --demo}. Health is UP
 * within 120 s; within 60 s more the demo application is listed, its scatter has points and a
 * call tree shows SQL with bind values; SIGTERM stops the server and everything it started.
 */
class DemoModeIT {

    @Test
    void demoFillsTheUiWithinAMinuteAndStopsWithTheServer() throws Exception {
        try (SightlineServer server = new SightlineServer(Dist.work("demo"), List.of("--demo"))) {
            long launched = System.currentTimeMillis();
            server.launch();
            // health says 503 (not UP) while HBase boots, then UP
            server.waitHealthy(Duration.ofSeconds(120));
            long healthyAfter = System.currentTimeMillis() - launched;

            Api api = server.api();
            JsonNode apps = api.poll("/api/applications", Duration.ofSeconds(60),
                    j -> names(j).contains("demo-shop") && names(j).contains("demo-inventory"));
            assertThat(names(apps)).contains("demo-shop", "demo-inventory");

            String window = Api.query(Map.of("application", "demo-shop", "from", launched,
                    "to", System.currentTimeMillis() + 3_600_000L));
            JsonNode withSql = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (withSql == null && System.currentTimeMillis() < deadline) {
                JsonNode txs = api.json("/api/transactions" + window + "&url=" + "/owners/*");
                for (JsonNode t : txs.path("transactions")) {
                    // listed but not yet readable is allowed for a moment (contract: within 10 s)
                    Api.Response r = api.get("/api/transactions/" + t.path("transactionId").asText());
                    if (r.status() != 200) {
                        continue;
                    }
                    for (JsonNode row : r.json().path("callTree")) {
                        if (row.path("serviceType").asText().equals("H2") && row.path("bindValues").size() == 1) {
                            withSql = row;
                        }
                    }
                    if (withSql != null) {
                        break;
                    }
                }
                Thread.sleep(1_000);
            }
            assertThat(withSql).as("a call tree with SQL and a bind value within 60 s").isNotNull();
            assertThat(withSql.path("argument").asText()).startsWith("select");
            assertThat(api.json("/api/scatter" + window).path("points").size()).isPositive();
            // the map is flushed from the collectors' memory every few seconds
            JsonNode map = api.poll("/api/servermap" + window, Duration.ofSeconds(15),
                    j -> j.path("nodes").toString().contains("USER^USER"));
            assertThat(map.path("nodes").toString()).contains("demo-shop^TOMCAT", "USER^USER");

            List<ProcessHandle> children = server.process().descendants();
            assertThat(children).as("the HBase child and the two demo JVMs").hasSizeGreaterThanOrEqualTo(3);
            server.stop();
            for (ProcessHandle c : children) {
                c.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(c.isAlive()).as("child %s after the server stopped", c.pid()).isFalse();
            }
            System.out.printf("demo: healthy after %d ms%n", healthyAfter);
        }
    }

    private static List<String> names(JsonNode apps) {
        return apps == null ? List.of()
                : java.util.stream.StreamSupport.stream(apps.spliterator(), false)
                        .map(a -> a.path("name").asText()).toList();
    }
}
