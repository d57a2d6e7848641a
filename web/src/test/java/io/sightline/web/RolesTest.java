package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.web.api.ApiController;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A collector-only server has no API, no UI and no password: only the health check. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RolesTest {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("sightline.data-dir", dataDir::toString);
        r.add("sightline.roles", () -> "collector");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void onlyHealthWithoutTheWebRole() {
        assertThat(context.getBeanNamesForType(ApiController.class)).isEmpty();
        assertThat(context.getBeanNamesForType(UiController.class)).isEmpty();
        assertThat(Files.exists(dataDir.resolve(AdminPassword.FILE_NAME))).isFalse();

        assertThat(new Http(port).get("/actuator/health").statusCode()).isEqualTo(200);
        for (String path : new String[] {"/api/applications", "/servermap", "/login", "/index.html"}) {
            HttpResponse<String> r = new Http(port).basic("admin", "anything").get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void roleListParsing() {
        assertThat(WebRole.enabled("collector,web")).isTrue();
        assertThat(WebRole.enabled(" WEB ")).isTrue();
        assertThat(WebRole.enabled("web collector")).isTrue();
        assertThat(WebRole.enabled("collector")).isFalse();
        assertThat(WebRole.enabled("webby,collector")).isFalse();
        assertThat(WebRole.enabled("")).isFalse();
    }
}
