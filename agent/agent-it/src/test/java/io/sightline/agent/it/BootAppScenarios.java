package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.Span;

/**
 * A Spring Boot application of its own stack (agent/agent-it-apps/&lt;module&gt;) with the real
 * agent in a child JVM: the Tomcat version it runs, URI templates, error statuses, exceptions,
 * Servlet and Spring MVC async requests and the client IP. Subclasses pick the module, the JDK
 * and whether {@code sightline.http.clientIpHeader} is set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BootAppScenarios {
    static final Duration WAIT = Duration.ofSeconds(60);
    TestCollector collector;
    ForkedJvm app;
    String base;

    /** agent/agent-it-apps module. */
    abstract String module();

    /** The Tomcat major version the module's Spring Boot brings. */
    abstract String tomcatMajor();

    abstract String javaHome();

    /** The value of sightline.http.clientIpHeader, or null to leave it unset. */
    abstract String clientIpHeader();

    @BeforeAll
    void startApp() throws Exception {
        collector = TestCollector.start();
        ForkedJvm.Builder b = ForkedJvm.builder().javaHome(javaHome()).withAgent()
                .property("sightline.applicationName", "it-" + module())
                .property("sightline.agentId", "it-" + module() + "-1")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(AppModules.classpath(module()))
                .main("io.sightline.itapps." + module() + ".App");
        if (clientIpHeader() != null) {
            b.property("sightline.http.clientIpHeader", clientIpHeader());
        }
        app = b.start();
        base = "http://127.0.0.1:" + app.awaitLine("READY", WAIT);
    }

    @AfterAll
    void stopApp() throws Exception {
        if (app != null) {
            app.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void runsOnTheExpectedTomcat() throws Exception {
        assertThat(Http.get(base + "/tomcat").body()).startsWith(tomcatMajor() + ".");
        Span span = collector.awaitSpan("/tomcat", WAIT);
        assertThat(span.getServiceType()).isEqualTo("TOMCAT");
        assertThat(span.getUriTemplate()).isEqualTo("/tomcat");
    }

    @Test
    void recordsTheUriTemplate() throws Exception {
        assertThat(Http.get(base + "/owners/7?x=1").body()).isEqualTo("owner 7");
        Span span = collector.awaitSpan("/owners/7", WAIT);
        assertThat(span.getMethod()).isEqualTo("GET");
        assertThat(span.getUri()).isEqualTo("/owners/7");
        assertThat(span.getUriTemplate()).isEqualTo("/owners/{ownerId}");
        assertThat(span.getStatus()).isEqualTo(200);
        assertThat(span.getError()).isFalse();
        assertThat(span.hasException()).isFalse();
        assertThat(span.getThreadName()).startsWith("http-nio-");
        assertThat(span.getEventsCount()).isZero();
    }

    @Test
    void anExceptionIsRecordedWithItsClassMessageAndWhere() throws Exception {
        assertThat(Http.get(base + "/owners/8/fail").status()).isEqualTo(500);
        Span span = collector.awaitSpan("/owners/8/fail", WAIT);
        assertThat(span.getStatus()).isEqualTo(500);
        assertThat(span.getError()).isTrue();
        assertThat(span.getException().getClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(span.getException().getMessage()).isEqualTo("boom 8");
        assertThat(span.getException().getFrames(0)).startsWith("io.sightline.itapps." + module() + ".App.fail(App.java:");
        // the /error dispatch belongs to this transaction, and its mapping is not the template
        assertThat(span.getUriTemplate()).isEmpty();
        Http.get(base + "/owners/9");
        collector.awaitSpan("/owners/9", WAIT);
        assertThat(collector.spans()).noneMatch(s -> s.getUri().equals("/error"));
        assertThat(collector.spans().stream().filter(s -> s.getTraceId().equals(span.getTraceId()))).hasSize(1);
    }

    @Test
    void aServerErrorStatusIsAnErrorWithoutException() throws Exception {
        assertThat(Http.get(base + "/unavailable/503").status()).isEqualTo(503);
        Span span = collector.awaitSpan("/unavailable/503", WAIT);
        assertThat(span.getStatus()).isEqualTo(503);
        assertThat(span.getError()).isTrue();
        assertThat(span.hasException()).isFalse();
        assertThat(span.getUriTemplate()).isEqualTo("/unavailable/{code}");
    }

    @Test
    void aDeferredResultEndsTheTransactionWhenItIsSet() throws Exception {
        long before = System.currentTimeMillis();
        assertThat(Http.get(base + "/deferred/400").body()).isEqualTo("deferred");
        long took = System.currentTimeMillis() - before;
        Span span = collector.awaitSpan("/deferred/400", WAIT);
        assertThat(span.getStatus()).isEqualTo(200);
        assertThat(span.getError()).isFalse();
        assertThat(span.getUriTemplate()).isEqualTo("/deferred/{ms}");
        // from the request's start until the async request completed, which Tomcat signals just
        // after the response went out: at least the 400 ms, about what the client saw (far from
        // the DeferredResult's 30 s timeout)
        assertThat(span.getElapsed()).isBetween(400, (int) took + 2000);
        assertThat(span.getThreadName()).startsWith("http-nio-");
        // the async dispatch that writes the result is part of the same transaction
        Http.get(base + "/owners/10");
        collector.awaitSpan("/owners/10", WAIT);
        assertThat(collector.spans().stream().filter(s -> s.getTraceId().equals(span.getTraceId()))).hasSize(1);
    }

    @Test
    void aServletAsyncContextEndsTheTransactionWhenItCompletes() throws Exception {
        long before = System.currentTimeMillis();
        assertThat(Http.get(base + "/servlet-async").body()).isEqualTo("async");
        long took = System.currentTimeMillis() - before;
        Span span = collector.awaitSpan("/servlet-async", WAIT);
        assertThat(span.getStatus()).isEqualTo(200);
        assertThat(span.getError()).isFalse();
        assertThat(span.getElapsed()).isBetween(300, (int) took + 2000);
    }

    @Test
    void clientIpFollowsTheConfiguredHeader() throws Exception {
        Http.get(base + "/owners/11", Map.of("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));
        Span forwarded = collector.awaitSpan("/owners/11", WAIT);
        Http.get(base + "/owners/12");
        Span direct = collector.awaitSpan("/owners/12", WAIT);
        assertThat(direct.getClientIp()).isEqualTo("127.0.0.1");
        if (clientIpHeader() == null) {
            assertThat(forwarded.getClientIp()).isEqualTo("127.0.0.1");
        } else {
            assertThat(forwarded.getClientIp()).isEqualTo("203.0.113.7");
        }
    }

    @Test
    void staysSilentOnStdout() throws Exception {
        Http.get(base + "/owners/13");
        collector.awaitSpan("/owners/13", WAIT);
        assertThat(app.stdout()).allMatch(line -> line.startsWith("READY"));
        assertThat(app.stderr()).noneMatch(line -> line.contains("sightline") || line.contains("WARNING"));
    }
}
