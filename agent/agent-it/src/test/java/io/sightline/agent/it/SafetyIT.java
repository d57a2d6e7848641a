package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.TomcatApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;

/** The agent is a guest: its failures never reach the application, its memory stays bounded. */
class SafetyIT {
    static final Duration WAIT = Duration.ofSeconds(40);

    private static ForkedJvm.Builder app() {
        return ForkedJvm.builder()
                .withAgent()
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"))
                .main(TomcatApp.class.getName());
    }

    @Test
    void helpersAndSenderThatThrowNeverReachTheApplication() throws Exception {
        java.nio.file.Path logDir = Files.createTempDirectory("sightline-it-log");
        try (TestCollector collector = TestCollector.start();
             Downstream downstream = new Downstream();
             ForkedJvm jvm = app()
                     .property("sightline.applicationName", "it-failing")
                     .property("sightline.agentId", "it-failing-1")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", logDir)
                     .property("sightline.test.failHelpers", "true")
                     .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            String target = URLEncoder.encode(downstream.url("/down"), StandardCharsets.UTF_8);
            for (int round = 0; round < 2; round++) { // twice: whatever state the first round left behind
                assertThat(Http.get(base + "/hello").body()).isEqualTo("hello");
                assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
                assertThat(Http.get(base + "/call?target=" + target).body()).isEqualTo("status=200");
                assertThat(Http.get(base + "/executor?target=" + target).body()).isEqualTo("Betty 200");
                assertThat(Http.get(base + "/forward").body()).isEqualTo("hello");
                assertThat(Http.get(base + "/fail").status()).isEqualTo(500);
            }
            assertThat(jvm.stdout()).hasSize(1).allMatch(l -> l.startsWith("READY "));
            // Tomcat logs the /fail exceptions on stderr; nothing there is the agent's
            assertThat(jvm.stderr()).noneMatch(l -> l.contains("failHelpers") || l.contains("[sightline]")
                    || (l.contains("io.sightline.agent.") && !l.contains("io.sightline.agent.it.")));
            // the hook was on: the sender's failures are in the agent's own log. The failing
            // helpers record no span, so the transport starts on its own a few seconds after
            // premain (sightline.transport.startDelayMillis): wait for it
            java.nio.file.Path log = logDir.resolve("it-failing-1.log");
            TestCollector.await("the sender's failure in the agent log", WAIT, () -> {
                try {
                    return Files.readString(log).contains("sightline.test.failHelpers: sender step");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(Files.readString(log)).contains("sightline.test.failHelpers: sender step");
        }
    }

    @Test
    void aCollectorAwayForTheWholeRunCostsABoundedBacklogAndGetsTheNewestOnceBack() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (ForkedJvm jvm = app()
                .property("sightline.applicationName", "it-backlog")
                .property("sightline.collector", "127.0.0.1:" + port)
                .property("sightline.backlog.size", 100) // the smallest allowed
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            for (int i = 0; i < 150; i++) {
                assertThat(Http.get(base + "/hello?n=" + i).body()).isEqualTo("hello");
            }
            try (TestCollector collector = TestCollector.startOn(port)) {
                List<Span> spans = collector.awaitSpans(100, s -> s.getUri().equals("/hello"), WAIT);
                Thread.sleep(1000); // nothing more comes
                assertThat(collector.spans()).hasSize(100);
                // the oldest were dropped and counted; the 100 newest arrive, in order
                assertThat(spans).extracting(Span::getStartTime).isSorted();
                assertThat(collector.batches).extracting(SpanBatch::getDroppedSpans).contains(50L);
                // and the agent sends what comes next straight away
                Http.get(base + "/forward");
                collector.awaitSpan("/forward", WAIT);
            }
        }
    }
}
