package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.TomcatApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/** Sampling (1 in N, a cap per second, an upstream decision) and the limits of a span. */
class SamplingLimitsIT {
    static final Duration WAIT = Duration.ofSeconds(40);

    private static ForkedJvm.Builder app(TestCollector collector) throws Exception {
        return ForkedJvm.builder()
                .withAgent()
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"))
                .main(TomcatApp.class.getName());
    }

    @Test
    void oneInNWithCutSqlAndBindValuesAndAnUpstreamDecisionHonoured() throws Exception {
        try (TestCollector collector = TestCollector.start();
             Downstream downstream = new Downstream();
             ForkedJvm jvm = app(collector)
                     .property("sightline.applicationName", "it-sampling")
                     .property("sightline.sampling.rate", 4)
                     .property("sightline.jdbc.maxSqlLength", 30)
                     .property("sightline.jdbc.maxBindValueLength", 4)
                     .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            for (int i = 0; i < 8; i++) {
                assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
            }
            // the 1st and the 5th: exactly 3 of every 4 new transactions are not recorded
            List<Span> spans = collector.awaitSpans(2, s -> s.getUri().equals("/db"), WAIT);
            Thread.sleep(1500);
            assertThat(collector.spans()).hasSize(2);

            Span span = spans.get(0);
            assertThat(span.getEventsList()).hasSize(2).allMatch(SpanEvent::getTruncated);
            assertThat(collector.metadata(span.getEvents(0).getSqlId())).isEqualTo("update owners set city = ? whe...");
            assertThat(collector.metadata(span.getEvents(1).getSqlId())).isEqualTo("select id, name from owners wh...");
            assertThat(span.getEvents(1).getBindValuesList()).containsExactly(
                    BindValue.newBuilder().setValue("Geor...").build(),
                    BindValue.newBuilder().setValue("0").build(),
                    BindValue.newBuilder().setValue("Madi...").build(),
                    BindValue.newBuilder().setNull(true).build());

            // a caller that decided not to record: nothing here, and the decision goes on downstream
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            String target = URLEncoder.encode(downstream.url("/sampled-out"), StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.get(base + "/call?target=" + target,
                        Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-00")).body()).isEqualTo("status=200");
            }
            assertThat(downstream.received).hasSize(3).allSatisfy(r -> {
                assertThat(r.header("traceparent")).startsWith("00-" + traceId + "-").endsWith("-00")
                        .doesNotContain("00f067aa0ba902b7");
            });
            // they did not move the 1-in-4 counter: of the next five new transactions the 1st
            // (the 9th new one) and the 5th are recorded
            for (String path : new String[] {"/forward", "/hello", "/hello", "/hello", "/forward"}) {
                assertThat(Http.get(base + path).body()).isEqualTo("hello");
            }
            collector.awaitSpans(2, s -> s.getUri().equals("/forward"), WAIT);
            Thread.sleep(1500);
            assertThat(collector.spans()).extracting(Span::getUri).containsExactly("/db", "/db", "/forward", "/forward");
        }
    }

    @Test
    void aCapOnNewTracesPerSecondAndAnEventLimit() throws Exception {
        try (TestCollector collector = TestCollector.start();
             ForkedJvm jvm = app(collector)
                     .property("sightline.applicationName", "it-cap")
                     .property("sightline.sampling.maxPerSecond", 2)
                     .property("sightline.span.maxEvents", 1)
                     .start()) {
            String base = "http://127.0.0.1:" + jvm.awaitLine("READY", WAIT);
            long start = System.currentTimeMillis();
            for (int i = 0; i < 12; i++) {
                assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
            }
            long seconds = (System.currentTimeMillis() - start) / 1000 + 2; // seconds the requests touched
            collector.awaitSpans(2, s -> s.getUri().equals("/db"), WAIT);
            Thread.sleep(1500);
            List<Span> spans = collector.spans();
            Map<Long, Long> perSecond = spans.stream()
                    .collect(Collectors.groupingBy(s -> s.getStartTime() / 1000, Collectors.counting()));
            assertThat(perSecond.values()).allMatch(n -> n <= 2);
            assertThat(spans.size()).isLessThan(12).isLessThanOrEqualTo((int) (2 * seconds));
            // one event kept (the first call), the other counted
            assertThat(spans).allSatisfy(s -> {
                assertThat(s.getEventsList()).hasSize(1);
                assertThat(collector.metadata(s.getEvents(0).getApiId())).isEqualTo("Statement.executeUpdate");
                assertThat(s.getDroppedEvents()).isEqualTo(1);
            });
        }
    }
}
