package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.SpringBootApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;

/** Spring Boot 3 on embedded Tomcat: URI templates, and an exception handled by the /error dispatch. */
class SpringBootIT {
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void templatesAndErrorDispatch() throws Exception {
        try (TestCollector collector = TestCollector.start();
             Downstream downstream = new Downstream();
             ForkedJvm app = ForkedJvm.builder().withAgent()
                     .property("sightline.applicationName", "it-boot")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .classpath(ForkedJvm.classpath("spring-", "jackson-", "tomcat-embed-", "micrometer-", "slf4j-",
                             "logback-", "snakeyaml", "jakarta.", "log4j-", "jul-to-slf4j").stream()
                             // the WebClient ITs' spring-webflux (without its reactor) would make Boot
                             // configure a WebClient this servlet app cannot build
                             .filter(e -> !e.contains("spring-webflux")).toList())
                     .main(SpringBootApp.class.getName())
                     .start()) {
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

            // @Async: the call runs on Spring's task executor, in an ASYNC row of the request's transaction
            assertThat(Http.get(base + "/async-call?target=" + downstream.url("/from-async")).body()).isEqualTo("async 200");
            Span async = collector.awaitSpan("/async-call", WAIT);
            assertThat(async.getEventsList()).extracting(e -> e.getDepth() + " " + e.getServiceType() + " "
                    + collector.metadata(e.getApiId()) + " " + e.getArgument())
                    .containsExactly("1 ASYNC Async AsyncSupply ",
                            "2 HTTP_CLIENT HttpURLConnection GET " + downstream.url("/from-async"));
            assertThat(async.getEvents(0).getThreadName()).startsWith("task-");
            assertThat(async.getEvents(1).getThreadName()).startsWith("task-");
            assertThat(downstream.received.get(0).header("traceparent"))
                    .startsWith("00-" + TraceIds.hex(async.getTraceId().toByteArray()) + "-");
        }
    }
}
