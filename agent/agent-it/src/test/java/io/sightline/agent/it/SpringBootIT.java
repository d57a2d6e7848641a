package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.SpringBootApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;

/** Spring Boot 3 on embedded Tomcat: URI templates, an exception handled by the /error dispatch, {@code @Async}. */
class SpringBootIT {
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void templatesAndErrorDispatch() throws Exception {
        try (TestCollector collector = TestCollector.start();
             Downstream downstream = new Downstream();
             ForkedJvm app = start(collector, ForkedJvm.JDK17)) {
            String base = "http://127.0.0.1:" + app.awaitLine("READY", WAIT);
            assertThat(Http.get(base + "/owners/7?x=1").body()).isEqualTo("owner 7");
            Span ok = collector.awaitSpan("/owners/7", WAIT);
            assertThat(ok.getUriTemplate()).isEqualTo("/owners/{ownerId}");
            assertThat(ok.getStatus()).isEqualTo(200);
            assertThat(ok.getError()).isFalse();
            assertThat(ok.getThreadName()).startsWith("http-nio-");

            assertThat(Http.get(base + "/owners/8/fail").status()).isEqualTo(500);
            Span failed = collector.awaitSpan("/owners/8/fail", WAIT);
            assertThat(failed.getStatus()).isEqualTo(500);
            assertThat(failed.getError()).isTrue();
            assertThat(failed.getException().getClassName()).isEqualTo("java.lang.IllegalStateException");
            assertThat(failed.getException().getMessage()).isEqualTo("boom 8");
            // the /error dispatch is part of this transaction, and its mapping is not our template
            assertThat(failed.getUriTemplate()).isEmpty();
            Http.get(base + "/owners/9");
            collector.awaitSpan("/owners/9", WAIT);
            assertThat(collector.spans()).noneMatch(s -> s.getUri().equals("/error"));
            assertThat(collector.spans().stream().filter(s -> s.getTraceId().equals(failed.getTraceId()))).hasSize(1);

            // @Async: the calls run on Spring Boot's task executor (a thread pool), in an ASYNC row
            assertAsyncMethodsTraced(base, collector, downstream, "platform");
        }
    }

    /**
     * Spring Boot 3.2+ with {@code spring.threads.virtual.enabled}: {@code @Async} methods run on a
     * SimpleAsyncTaskExecutor that starts a virtual thread per task; the transaction still follows
     * (the task Spring hands it is a CompletableFuture stage or a FutureTask).
     */
    @Test
    void asyncMethodsOnVirtualThreads() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        try (TestCollector collector = TestCollector.start();
             Downstream downstream = new Downstream();
             ForkedJvm app = start(collector, ForkedJvm.JDK25, "--spring.threads.virtual.enabled=true")) {
            String base = "http://127.0.0.1:" + app.awaitLine("READY", WAIT);
            assertAsyncMethodsTraced(base, collector, downstream, "virtual");
        }
    }

    /** Each kind of {@code @Async} method (CompletableFuture, Future, void) as one ASYNC row with its call. */
    private static void assertAsyncMethodsTraced(String base, TestCollector collector, Downstream downstream,
                                                 String threadKind) throws Exception {
        String[][] cases = {
                {"/async-call", "/from-async", "async 200", "AsyncSupply"},
                {"/async-future", "/from-async-future", "future 200 " + threadKind, "FutureTask"},
                {"/async-void", "/from-async-void", "void true", "FutureTask"}};
        for (String[] c : cases) {
            assertThat(Http.get(base + c[0] + "?target=" + downstream.url(c[1])).body()).isEqualTo(c[2]);
            Span span = collector.awaitSpan(c[0], WAIT);
            assertThat(span.getEventsList()).extracting(e -> e.getDepth() + " " + e.getServiceType() + " "
                            + collector.metadata(e.getApiId()) + " " + e.getArgument())
                    .as(c[0])
                    .containsExactly("1 ASYNC Async " + c[3] + " ",
                            "2 HTTP_CLIENT HttpURLConnection GET " + downstream.url(c[1]));
            assertThat(span.getEvents(0).getThreadName()).as(c[0]).startsWith("task-");
            assertThat(span.getEvents(1).getThreadName()).as(c[0]).startsWith("task-");
            assertThat(downstream.last(c[1]).header("traceparent")).as(c[0])
                    .startsWith("00-" + TraceIds.hex(span.getTraceId().toByteArray()) + "-");
        }
    }

    private static ForkedJvm start(TestCollector collector, String javaHome, String... args) throws Exception {
        return ForkedJvm.builder().withAgent()
                .javaHome(javaHome)
                .property("sightline.applicationName", "it-boot")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(ForkedJvm.classpath("spring-", "jackson-", "tomcat-embed-", "micrometer-", "slf4j-",
                        "logback-", "snakeyaml", "jakarta.", "log4j-", "jul-to-slf4j").stream()
                        // the WebClient ITs' spring-webflux (without its reactor) would make Boot
                        // configure a WebClient this servlet app cannot build
                        .filter(e -> !e.contains("spring-webflux")).toList())
                .main(SpringBootApp.class.getName(), args)
                .start();
    }
}
