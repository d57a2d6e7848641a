package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.storage.query.Queries;
import io.sightline.storage.read.HBaseQueries;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * When the storage fails (here: its HBase connection is closed under it) every endpoint answers
 * 500 with an error id and nothing else: no exception text, no class names, no stack trace.
 */
@SpringBootTest(classes = {TestApp.class, StorageDownTest.ClosedStorage.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StorageDownTest {
    static final String PASSWORD = "storage-down-pw-1";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("sightline.data-dir", dataDir::toString);
        r.add(AdminPassword.ENV, () -> PASSWORD);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ClosedStorage {
        @Bean(destroyMethod = "close")
        @Primary
        HBaseQueries closedQueries() throws IOException {
            Connection c = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
            c.close();
            return new HBaseQueries(c);
        }
    }

    @LocalServerPort
    int port;

    @Test
    void failuresAre500WithAnIdAndNoDetails() {
        String w = "&from=1000&to=2000";
        for (String path : List.of("/api/applications", "/api/servermap?application=petstore" + w,
                "/api/scatter?application=petstore" + w, "/api/transactions?application=petstore" + w,
                "/api/scatter/density?application=petstore" + w,
                "/api/transactions/" + KnownData.TX_A, "/api/agents/petstore-1", "/api/agents/petstore-1/stats?from=1&to=2")) {
            HttpResponse<String> r = new Http(port).basic("admin", PASSWORD).get(path);
            assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(500);
            JsonNode body = Http.json(r);
            assertThat(body.size()).isEqualTo(1);
            assertThat(body.path("error").asText()).matches("internal error \\(id [0-9a-f]{8}; details in the server log\\)");
            assertThat(r.body()).doesNotContainIgnoringCase("exception").doesNotContain("\tat ", "io.sightline", "hbase",
                    "closed", "zookeeper");
        }
    }

    /** The primary bean really is the closed one (the test would prove nothing otherwise). */
    @Test
    void theApiReadsTheClosedStorage(@org.springframework.beans.factory.annotation.Autowired Queries queries) {
        assertThat(queries).isInstanceOf(HBaseQueries.class);
    }
}
