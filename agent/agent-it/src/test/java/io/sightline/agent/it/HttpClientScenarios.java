package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.sightline.agent.it.apps.TomcatApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * HttpURLConnection from a traced request: the event, the headers the callee receives, and a
 * trace that crosses two instrumented applications. Subclasses choose the child JDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpClientScenarios {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Two child JVMs start at once; on a loaded 2-core machine the agent's start alone took 12 s. */
    static final Duration START = Duration.ofSeconds(60);
    TestCollector collector;
    Downstream downstream;
    ForkedJvm appA;
    ForkedJvm appB;
    String baseA;
    int portB;

    abstract String javaHome();

    @BeforeAll
    void start() throws Exception {
        collector = TestCollector.start();
        downstream = new Downstream();
        appA = startApp("it-a");
        appB = startApp("it-b");
        baseA = "http://127.0.0.1:" + Integer.parseInt(appA.awaitLine("READY", START));
        portB = Integer.parseInt(appB.awaitLine("READY", START));
    }

    private ForkedJvm startApp(String name) throws Exception {
        return ForkedJvm.builder()
                .javaHome(javaHome())
                .withAgent()
                .property("sightline.applicationName", name)
                .property("sightline.agentId", name + "-1")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"))
                .main(TomcatApp.class.getName())
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {appA, appB, collector, downstream}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private Span call(String target) throws Exception {
        String marker = Long.toHexString(System.nanoTime());
        Http.get(baseA + "/call?m=" + marker + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
        // spans of A for /call in order; the newest is ours
        List<Span> spans = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-a") && s.getUri().equals("/call")
                && s.getStartTime() > 0 && !seen.contains(s.getSpanId()), WAIT);
        Span span = spans.get(0);
        seen.add(span.getSpanId());
        return span;
    }

    private final java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SpanEvent onlyEvent(Span span) {
        assertThat(span.getEventsList()).hasSize(1);
        return span.getEvents(0);
    }

    @Test
    synchronized void aCallCarriesTraceparentWithTheEventsNextSpanId() throws Exception {
        Span span = call(downstream.url("/ok?token=secret"));
        SpanEvent e = onlyEvent(span);
        assertThat(e.getSequence()).isEqualTo(1);
        assertThat(e.getDepth()).isEqualTo(1);
        assertThat(e.getServiceType()).isEqualTo("HTTP_CLIENT");
        assertThat(collector.metadata(e.getApiId())).isEqualTo("HttpURLConnection GET");
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + downstream.port());
        assertThat(e.getArgument()).isEqualTo("http://127.0.0.1:" + downstream.port() + "/ok");
        assertThat(e.getStatus()).isEqualTo(200);
        assertThat(e.getError()).isFalse();
        assertThat(e.getNextSpanId()).isNotZero();
        Downstream.Received got = downstream.received.stream().filter(r -> r.path().equals("/ok")).reduce((a, b) -> b).orElseThrow();
        assertThat(got.header("traceparent")).isEqualTo("00-" + TraceIds.hex(span.getTraceId().toByteArray()) + "-"
                + TraceIds.spanIdHex(e.getNextSpanId()) + "-01");
        assertThat(got.header("sightline-parent-app")).isEqualTo("it-a");
        assertThat(got.header("sightline-parent-type")).isEqualTo("TOMCAT");
        assertThat(got.header("sightline-parent-span")).isEqualTo(TraceIds.spanIdHex(span.getSpanId()));
    }

    @Test
    synchronized void aTraceCrossesTwoInstrumentedApplications() throws Exception {
        Span a = call("http://127.0.0.1:" + portB + "/hello");
        SpanEvent e = onlyEvent(a);
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + portB);
        assertThat(e.getStatus()).isEqualTo(200);
        Span b = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-b") && s.getTraceId().equals(a.getTraceId()), WAIT).get(0);
        assertThat(b.getSpanId()).isEqualTo(e.getNextSpanId());
        assertThat(b.getParentSpanId()).isEqualTo(a.getSpanId());
        assertThat(b.getParentApplication()).isEqualTo("it-a");
        assertThat(b.getParentServiceType()).isEqualTo("TOMCAT");
        assertThat(b.getEndpoint()).isEqualTo(e.getDestination());
        assertThat(b.getUri()).isEqualTo("/hello");
    }

    @Test
    synchronized void workHandedToOtherThreadsStaysInTheTransactionAndDoesNotLeak() throws Exception {
        Http.get(baseA + "/executor?target=" + URLEncoder.encode(downstream.url("/from-async"), StandardCharsets.UTF_8));
        Span span = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-a") && s.getUri().equals("/executor"), WAIT).get(0);
        assertThat(span.getEventsList()).hasSize(2);
        SpanEvent query = span.getEvents(0);
        assertThat(collector.metadata(query.getApiId())).isEqualTo("PreparedStatement.executeQuery");
        assertThat(query.getThreadName()).isEqualTo("app-pool");
        assertThat(query.getBindValuesList()).hasSize(1);
        SpanEvent http = span.getEvents(1);
        assertThat(http.getServiceType()).isEqualTo("HTTP_CLIENT");
        // the common pool, or a thread per task when the machine has fewer than 3 cores
        assertThat(http.getThreadName()).isNotEmpty().doesNotStartWith("http-nio-");
        assertThat(http.getDepth()).isEqualTo(1);
        Downstream.Received got = downstream.received.stream().filter(r -> r.path().equals("/from-async")).findFirst().orElseThrow();
        assertThat(got.header("traceparent")).contains(TraceIds.hex(span.getTraceId().toByteArray()));

        // the pool thread forgot the transaction: work it runs later outside one carries nothing
        Http.get(baseA + "/untraced-work?target=" + URLEncoder.encode(downstream.url("/untraced"), StandardCharsets.UTF_8));
        Downstream.Received untraced = downstream.received.stream().filter(r -> r.path().equals("/untraced")).findFirst().orElseThrow();
        assertThat(untraced.header("traceparent")).isNull();
    }

    @Test
    synchronized void aClientErrorStatusIsNotAnError() throws Exception {
        SpanEvent e = onlyEvent(call(downstream.url("/missing")));
        assertThat(e.getStatus()).isEqualTo(404);
        assertThat(e.getError()).isFalse();
        assertThat(e.hasException()).isFalse();
    }

    @Test
    synchronized void aServerErrorStatusIsAnError() throws Exception {
        SpanEvent e = onlyEvent(call(downstream.url("/broken")));
        assertThat(e.getStatus()).isEqualTo(500);
        assertThat(e.getError()).isTrue();
    }

    @Test
    synchronized void aRefusedConnectionIsAnErrorWithItsException() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Span span = call("http://127.0.0.1:" + closedPort + "/nobody");
        SpanEvent e = onlyEvent(span);
        assertThat(e.getError()).isTrue();
        assertThat(e.getStatus()).isZero();
        assertThat(e.getException().getClassName()).isEqualTo("java.net.ConnectException");
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + closedPort);
        assertThat(span.getError()).isFalse(); // the application handled it
    }
}
