package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Login, logout, Basic, CSRF, session fixation and what anonymous clients get, over real HTTP. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class SecurityTest {
    static final String PASSWORD = "another-secret-456";

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
    LoginThrottle throttle;

    /** Every test starts with a clean failure count for this machine's address. */
    @org.junit.jupiter.api.BeforeEach
    void noFailuresYet() {
        throttle.forget("127.0.0.1");
    }

    static String form(String user, String password) {
        return "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    @Test
    void apiWithoutLoginIs401JsonWithAChallengeOnlyForScripts() {
        for (String path : List.of("/api/applications", "/api/servermap?application=a&from=1&to=2",
                "/api/transactions/4bf92f3577b34da6a3ce929d0e0e4736", "/api/nothing")) {
            HttpResponse<String> script = new Http(port).get(path);
            assertThat(script.statusCode()).isEqualTo(401);
            assertThat(Http.json(script).path("error").asText()).isEqualTo("login required");
            assertThat(script.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Sightline\", charset=\"UTF-8\"");

            HttpResponse<String> ui = new Http(port).asUi().get(path);
            assertThat(ui.statusCode()).isEqualTo(401);
            assertThat(Http.json(ui).path("error").asText()).isEqualTo("login required");
            assertThat(ui.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void basicWorksAndWrongPasswordsDoNot() {
        assertThat(new Http(port).basic("admin", PASSWORD).get("/api/applications").statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = new Http(port).basic("admin", "nope").get("/api/applications");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Http.json(wrong).path("error").asText()).isEqualTo("login required");
        assertThat(new Http(port).basic("root", PASSWORD).get("/api/applications").statusCode()).isEqualTo(401);
    }

    @Test
    void everyPageSendsALoggedOutBrowserToLogin() {
        for (String page : List.of("/", "/servermap", "/scatter?application=x", "/transactions", "/transactions/abc",
                "/inspector", "/live", "/index.html")) {
            HttpResponse<String> r = new Http(port).get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElse("")).as(page).endsWith("/login");
        }
        HttpResponse<String> login = new Http(port).get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("<div id=\"app\"></div>");
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValue(SecurityConfig.CONTENT_SECURITY_POLICY);
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void hashedAssetsAreCachedAndPagesAreNot() throws Exception {
        Http browser = new Http(port).basic("admin", PASSWORD);
        HttpResponse<String> index = browser.get("/servermap");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/assets/[^\"]+\\.js").matcher(index.body());
        org.junit.jupiter.api.Assumptions.assumeTrue(m.find(), "the UI was not built (-Dskip.frontend)");
        HttpResponse<String> asset = browser.get(m.group());
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Cache-Control")).hasValue("max-age=31536000, private, immutable");
        assertThat(new Http(port).get(m.group()).statusCode()).isEqualTo(200); // assets need no login
    }

    @Test
    void unknownPagesAreNotTheApp() {
        HttpResponse<String> r = new Http(port).basic("admin", PASSWORD).get("/no-such-page");
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void healthIsPublicWithoutDetails() {
        HttpResponse<String> r = new Http(port).get("/actuator/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.has("components")).isFalse();
        assertThat(body.has("details")).isFalse();
        // other actuator endpoints are not public
        assertThat(new Http(port).get("/actuator").statusCode()).isIn(302, 401);
    }

    @Test
    void formLoginSessionCsrfAndLogout() {
        Http browser = new Http(port).asUi();
        // the login page hands out the CSRF cookie and a session
        assertThat(browser.get("/login").statusCode()).isEqualTo(200);
        assertThat(browser.cookie("XSRF-TOKEN")).isNotBlank();
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
        String sessionBefore = browser.cookie("JSESSIONID");

        // no CSRF token, no login
        HttpResponse<String> noToken = browser.postForm("/login", form("admin", PASSWORD), false);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(Http.json(noToken).path("error").asText()).contains("CSRF");

        HttpResponse<String> wrong = browser.postForm("/login", form("admin", "wrong"), true);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Http.json(wrong).path("error").asText()).isEqualTo("wrong user name or password");

        HttpResponse<String> ok = browser.postForm("/login", form("admin", PASSWORD), true);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Http.json(ok).path("username").asText()).isEqualTo("admin");
        String sessionAfter = browser.cookie("JSESSIONID");
        assertThat(sessionAfter).isNotBlank().isNotEqualTo(sessionBefore); // session fixation protection

        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        assertThat(browser.get("/api/applications").statusCode()).isEqualTo(200);
        assertThat(browser.get("/servermap").statusCode()).isEqualTo(200);

        // a stolen old session id is worthless
        Http attacker = new Http(port).asUi();
        attacker.headers.put("Cookie", "JSESSIONID=" + sessionBefore);
        assertThat(attacker.get("/api/me").statusCode()).isEqualTo(401);

        // logout needs the (new) CSRF token too
        assertThat(browser.postForm("/logout", "", false).statusCode()).isEqualTo(403);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        HttpResponse<String> out = browser.postForm("/logout", "", true);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(Http.json(out).path("loggedOut").asBoolean()).isTrue();
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
        Http replay = new Http(port).asUi();
        replay.headers.put("Cookie", "JSESSIONID=" + sessionAfter);
        assertThat(replay.get("/api/me").statusCode()).isEqualTo(401);
    }

    @Test
    void plainFormPostsRedirectLikeAClassicLoginPage() {
        Http browser = new Http(port);
        browser.get("/servermap"); // remembered, so login comes back here
        browser.get("/login");
        HttpResponse<String> bad = browser.postForm("/login", form("admin", "wrong"), true);
        assertThat(bad.statusCode()).isEqualTo(302);
        assertThat(bad.headers().firstValue("Location").orElse("")).endsWith("/login?error");
        HttpResponse<String> ok = browser.postForm("/login", form("admin", PASSWORD), true);
        assertThat(ok.statusCode()).isEqualTo(302);
        assertThat(ok.headers().firstValue("Location").orElse("")).endsWith("/servermap?continue");
    }

    @Test
    void repeatedFailedLoginsAreThrottled() {
        Http browser = new Http(port).asUi();
        browser.get("/login");
        try {
            for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
                assertThat(browser.postForm("/login", form("admin", "guess" + i), true).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = browser.postForm("/login", form("admin", PASSWORD), true);
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(Http.json(blocked).path("error").asText()).isEqualTo("too many failed logins; try again in a few minutes");
            assertThat(Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 300L);
            // the same address guessing over HTTP Basic is blocked too: one count for both ways in
            HttpResponse<String> basic = new Http(port).basic("admin", "guess-basic").get("/api/me");
            assertThat(basic.statusCode()).isEqualTo(429);
        } finally {
            throttle.forget("127.0.0.1");
        }
    }

    @Test
    void guessingOverBasicIsThrottledWhileAWorkingScriptKeepsWorking() {
        Http script = new Http(port).basic("admin", PASSWORD);
        assertThat(script.get("/api/me").statusCode()).isEqualTo(200); // verified: remembered for a few minutes
        try {
            for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
                HttpResponse<String> wrong = new Http(port).basic("admin", "guess" + i).get("/api/applications");
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(Http.json(wrong).path("error").asText()).isEqualTo("login required");
            }
            // from now on no guess is even checked: a wrong password, an unknown user with the right
            // password, a malformed header all get 429, without the password hash being computed
            for (Http guess : List.of(new Http(port).basic("admin", "guess-more"), new Http(port).basic("root", PASSWORD))) {
                HttpResponse<String> r = guess.get("/api/applications");
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(Http.json(r).path("error").asText()).isEqualTo("too many failed logins; try again in a few minutes");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
            Http malformed = new Http(port);
            malformed.headers.put("Authorization", "Basic !!!not-base64");
            assertThat(malformed.get("/api/me").statusCode()).isEqualTo(429);
            // the script that was working goes on; the form login from this address is blocked
            assertThat(script.get("/api/me").statusCode()).isEqualTo(200);
            Http browser = new Http(port).asUi();
            browser.get("/login");
            assertThat(browser.postForm("/login", form("admin", PASSWORD), true).statusCode()).isEqualTo(429);
            // and a script's successes do not clear the guesser's count
            assertThat(new Http(port).basic("admin", "guess-again").get("/api/me").statusCode()).isEqualTo(429);
        } finally {
            throttle.forget("127.0.0.1");
        }
        assertThat(new Http(port).basic("admin", "one-more-guess").get("/api/me").statusCode()).isEqualTo(401);
    }

    @Test
    void basicCredentialsNeverReachTheLog(org.springframework.boot.test.system.CapturedOutput output) {
        new Http(port).basic("admin", "wrong-secret-xyz").get("/api/applications");
        new Http(port).basic("admin", PASSWORD).get("/api/applications");
        assertThat(output.getAll()).doesNotContain("wrong-secret-xyz", PASSWORD,
                java.util.Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
}
