package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.TomcatApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.Span;

/** Configuration and the agent's life: inactive, collector away and back, token, switches, shutdown. */
class AgentLifecycleIT {
    static final Duration WAIT = Duration.ofSeconds(40);

    private static ForkedJvm.Builder app() {
        return ForkedJvm.builder()
                .withAgent()
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"))
                .main(TomcatApp.class.getName());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void withoutAnApplicationNameTheAgentSaysOneLineAndTheAppRuns() throws Exception {
        try (TestCollector collector = TestCollector.start();
             ForkedJvm jvm = app().property("sightline.collector", collector.address()).start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
            assertThat(jvm.stdout()).containsExactly(jvm.stdout().get(0)).allMatch(l -> l.startsWith("READY"));
            // Tomcat logs its start on stderr; of the agent there is one line
            assertThat(jvm.stderr().stream().filter(l -> l.toLowerCase().contains("sightline")))
                    .containsExactly("[sightline] sightline.applicationName (or SIGHTLINE_APPLICATION_NAME)"
                            + " is not set: the agent stays inactive");
            Thread.sleep(1000);
            assertThat(collector.registrations).isEmpty();
        }
    }

    /** A Java newer than the agent's ByteBuddy reads (pretended: no such JDK here yet). */
    @Test
    void onAJavaItDoesNotSupportTheAgentSaysOneLineInstrumentsNothingAndTheAppRuns() throws Exception {
        try (TestCollector collector = TestCollector.start();
             ForkedJvm jvm = app().property("sightline.applicationName", "it-unsupported")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .property("sightline.test.javaVersion", "99")
                     .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
            assertThat(jvm.stdout()).containsExactly(jvm.stdout().get(0)).allMatch(l -> l.startsWith("READY"));
            assertThat(jvm.stderr().stream().filter(l -> l.toLowerCase().contains("sightline")))
                    .singleElement().asString()
                    .matches("\\[sightline\\] Java 99 is not supported \\(the agent runs on Java 8 to \\d+\\): the agent stays inactive");
            Thread.sleep(1000);
            assertThat(collector.registrations).isEmpty();
            assertThat(collector.spans()).isEmpty();
        }
    }

    @Test
    void spansWaitForACollectorThatComesLaterAndFailoverSkipsADeadOne() throws Exception {
        int dead = closedPort();
        int later = closedPort();
        Path logDir = Files.createTempDirectory("sightline-it-log");
        try (ForkedJvm jvm = app()
                .property("sightline.applicationName", "it-later")
                .property("sightline.agentId", "it-later-1")
                .property("sightline.collector", "127.0.0.1:" + dead + ",127.0.0.1:" + later)
                .property("sightline.log.dir", logDir)
                .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.get(base + "/hello?n=" + i).status()).isEqualTo(200);
            }
            try (TestCollector collector = TestCollector.startOn(later)) {
                List<Span> spans = collector.awaitSpans(3, s -> s.getUri().equals("/hello"), WAIT);
                assertThat(spans).hasSize(3);
                assertThat(collector.registrations).isNotEmpty();
                assertThat(collector.registrations.get(0).getAgentId()).isEqualTo("it-later-1");
                // a span sent once the collector is there goes straight through
                Http.get(base + "/forward");
                collector.awaitSpan("/forward", WAIT);
            }
            assertThat(Files.readString(logDir.resolve("it-later-1.log"))).contains("registered with collector 127.0.0.1:" + later);
        }
    }

    @Test
    void aCollectorThatGoesAwayMidRunLosesNothingAndRefusedBatchesAreResent() throws Exception {
        TestCollector first = TestCollector.start();
        int port = first.port();
        try (ForkedJvm jvm = app()
                .property("sightline.applicationName", "it-away")
                .property("sightline.collector", first.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            Http.get(base + "/hello?before");
            first.awaitSpans(1, s -> s.getUri().equals("/hello"), WAIT);
            first.refuse(true); // in trouble: every call fails, the agent keeps the batch
            Http.get(base + "/forward?during-trouble");
            Thread.sleep(1500);
            first.close(); // then gone
            for (int i = 0; i < 5; i++) {
                assertThat(Http.get(base + "/hello?away=" + i).status()).isEqualTo(200);
            }
            try (TestCollector second = TestCollector.startOn(port)) {
                second.awaitSpans(5, s -> s.getUri().equals("/hello"), WAIT);
                second.awaitSpan("/forward", WAIT);
                assertThat(second.registrations).isNotEmpty(); // registered again on reconnect
                assertThat(first.spans()).noneMatch(s -> s.getUri().equals("/forward"));
            }
        }
    }

    @Test
    void tokenIsSentNeverLoggedBindValuesSwitchOffAndShutdownIsSaid() throws Exception {
        Path logDir = Files.createTempDirectory("sightline-it-log");
        try (TestCollector collector = TestCollector.start()) {
            ForkedJvm jvm = app()
                    .property("sightline.applicationName", "it-token")
                    .property("sightline.agentId", "it-token-1")
                    .property("sightline.collector", collector.address())
                    .property("sightline.token", "s3cret-t0ken")
                    .property("sightline.jdbc.bindValues", "false")
                    .property("sightline.log.dir", logDir)
                    .start();
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            Http.get(base + "/db?name=George");
            Span span = collector.awaitSpan("/db", WAIT);
            assertThat(span.getEventsList()).hasSize(2).allMatch(e -> e.getBindValuesCount() == 0);
            assertThat(collector.tokens).isNotEmpty().allMatch("s3cret-t0ken"::equals);
            jvm.stop(WAIT);
            TestCollector.await("shutdown", WAIT, () -> !collector.shutdowns.isEmpty());
            assertThat(collector.shutdowns.get(0).getAgentId()).isEqualTo("it-token-1");
            try (Stream<Path> files = Files.list(logDir)) {
                for (Path f : files.toList()) {
                    assertThat(Files.readString(f)).doesNotContain("s3cret-t0ken").contains("token=set");
                }
            }
        }
    }

    /**
     * The transport starts at the first span, so a JVM asked to exit right after its first
     * request exits while the sender is still getting ready: the span must still arrive.
     */
    @Test
    void theFirstRequestsSpanArrivesWhenTheJvmExitsRightAfterIt() throws Exception {
        try (TestCollector collector = TestCollector.start()) {
            ForkedJvm jvm = app()
                    .property("sightline.applicationName", "it-exit")
                    .property("sightline.collector", collector.address())
                    .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                    .start();
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            assertThat(Http.get(base + "/hello?first").status()).isEqualTo(200);
            jvm.stop(WAIT); // at once: SIGTERM, the agent's shutdown hook runs
            Span span = collector.awaitSpan("/hello", WAIT);
            assertThat(span.getUri()).isEqualTo("/hello");
            assertThat(collector.registrations).isNotEmpty();
        }
    }

    @Test
    void aPluginSwitchedOffByEnvironmentDoesNothing() throws Exception {
        try (TestCollector collector = TestCollector.start();
             ForkedJvm jvm = app()
                     .env("SIGHTLINE_APPLICATION_NAME", "it-env")
                     .env("SIGHTLINE_PLUGIN_JDBC_H2_ENABLED", "false")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            Http.get(base + "/db?name=George");
            Span span = collector.awaitSpan("/db", WAIT);
            assertThat(span.getApplicationName()).isEqualTo("it-env");
            assertThat(span.getEventsList()).isEmpty();
            assertThat(collector.registrations.get(0).getPluginsList()).doesNotContain("jdbc-h2").contains("tomcat");
            assertThat(span.getAgentId()).endsWith("-" + jvm.process().pid());
        }
    }
}
