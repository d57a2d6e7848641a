package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.sightline.agent.it.apps.ClientApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * The scenarios every HTTP client plugin runs: a traced request of application A calls out with
 * the library (success, 404, 500, refused, read timeout, redirect, async, a nested call through
 * instrumented application B) and the whole trace is asserted. Subclasses choose the library
 * and the child JDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpClientScenarios {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration START_WAIT = Duration.ofSeconds(90);
    TestCollector collector;
    Downstream downstream;
    ForkedJvm appA;
    ForkedJvm appB;
    String baseA;
    int portB;
    private final AtomicInteger calls = new AtomicInteger();

    abstract String javaHome();

    /** The client in apps.clients (class name without "Client"). */
    abstract String client();

    /** The library's jars, as file name prefixes of the test class path or paths. */
    abstract List<String> libraries();

    /** The event's api: the library's name. */
    abstract String library();

    /** What the library throws when the connection is refused, and on a read timeout. */
    abstract String refusedException();

    abstract String timeoutException();

    /** What the application sees of a refused connection and of a read timeout. */
    String refusedAnswer() {
        return "failed=" + refusedException();
    }

    String timeoutAnswer() {
        return "failed=" + timeoutException();
    }

    @BeforeAll
    void start() throws Exception {
        collector = TestCollector.start();
        downstream = new Downstream();
        appA = startApp("it-a");
        appB = startApp("it-b");
        // two JVMs starting at once on a busy build machine can take a while
        baseA = "http://127.0.0.1:" + Integer.parseInt(appA.awaitLine("READY", START_WAIT));
        portB = Integer.parseInt(appB.awaitLine("READY", START_WAIT));
    }

    private ForkedJvm startApp(String name) throws Exception {
        List<String> cp = new ArrayList<>(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"));
        for (String lib : libraries()) {
            if (lib.contains("/")) {
                cp.add(lib);
            } else {
                cp.addAll(ForkedJvm.classpath(lib).stream().filter(e -> !cp.contains(e)).toList());
            }
        }
        return ForkedJvm.builder()
                .javaHome(javaHome())
                .withAgent()
                .property("sightline.applicationName", name)
                .property("sightline.agentId", name + "-1")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(cp)
                .main(ClientApp.class.getName(), client())
                .start();
    }

    /** The jars of a folder (a library version the build copied there, see the pom). */
    static List<String> jarsIn(String folder) {
        try (var files = Files.list(java.nio.file.Path.of(folder))) {
            return files.filter(f -> f.toString().endsWith(".jar")).map(f -> f.toAbsolutePath().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no " + folder + "; run through maven (verify)", e);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {appA, appB, collector, downstream}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A's /call to {@code target}; returns A's span (after checking what A answered). */
    Span call(String target, boolean async, String expectedAnswer) throws Exception {
        String path = "/call/" + calls.incrementAndGet(); // picks out this call's span
        Http.Response r = Http.get(baseA + path + "?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8)
                + (async ? "&async=1" : ""));
        assertThat(r.body()).isEqualTo(expectedAnswer);
        Span span = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-a") && s.getUri().equals(path), WAIT).get(0);
        assertThat(span.getError()).isFalse(); // the application handled whatever happened
        return span;
    }

    /** The span's only row: an HTTP call from A's request thread with the full shape. */
    private SpanEvent onlyCall(Span span, String url, int port) {
        assertThat(span.getEventsList()).hasSize(1);
        SpanEvent e = span.getEvents(0);
        assertThat(e.getSequence()).isEqualTo(1);
        assertThat(e.getDepth()).isEqualTo(1);
        assertThat(e.getServiceType()).isEqualTo("HTTP_CLIENT");
        assertThat(collector.metadata(e.getApiId())).isEqualTo(library() + " GET");
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + port);
        assertThat(e.getArgument()).isEqualTo(url);
        assertThat(e.getThreadName()).isEmpty(); // begun on the request thread
        return e;
    }

    void assertTraceHeaders(Downstream.Received got, Span span, SpanEvent e) {
        // exactly these two, once each: the calling event's id for the callee, and the calling span,
        // service type and application in one header
        assertThat(got.traceHeaders()).isEqualTo(Map.of(
                "traceparent", List.of("00-" + TraceIds.hex(span.getTraceId().toByteArray()) + "-"
                        + TraceIds.spanIdHex(e.getNextSpanId()) + "-01"),
                "sightline-parent", List.of(TraceIds.spanIdHex(span.getSpanId()) + ";TOMCAT;" + span.getApplicationName())));
    }

    @Test
    synchronized void success() throws Exception {
        Span span = call(downstream.url("/ok?token=secret"), false, "status=200");
        SpanEvent e = onlyCall(span, downstream.url("/ok"), downstream.port());
        assertThat(e.getStatus()).isEqualTo(200);
        assertThat(e.getError()).isFalse();
        assertThat(e.hasException()).isFalse();
        assertThat(e.getNextSpanId()).isNotZero();
        assertTraceHeaders(downstream.last("/ok"), span, e);
    }

    @Test
    synchronized void clientErrorStatusIsNotAnError() throws Exception {
        Span span = call(downstream.url("/missing"), false, "status=404");
        SpanEvent e = onlyCall(span, downstream.url("/missing"), downstream.port());
        assertThat(e.getStatus()).isEqualTo(404);
        assertThat(e.getError()).isFalse();
        assertThat(e.hasException()).isFalse();
        assertTraceHeaders(downstream.last("/missing"), span, e);
    }

    @Test
    synchronized void serverErrorStatusIsAnError() throws Exception {
        Span span = call(downstream.url("/broken"), false, "status=500");
        SpanEvent e = onlyCall(span, downstream.url("/broken"), downstream.port());
        assertThat(e.getStatus()).isEqualTo(500);
        assertThat(e.getError()).isTrue();
        assertTraceHeaders(downstream.last("/broken"), span, e);
    }

    @Test
    synchronized void refusedConnectionIsAnErrorWithItsException() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/nobody";
        Span span = call(url, false, refusedAnswer());
        SpanEvent e = onlyCall(span, url, closedPort);
        assertThat(e.getError()).isTrue();
        assertThat(e.getStatus()).isZero();
        assertThat(e.getException().getClassName()).isEqualTo(refusedException());
    }

    @Test
    synchronized void readTimeoutIsAnErrorWithItsException() throws Exception {
        Span span = call(downstream.url("/slow"), false, timeoutAnswer());
        SpanEvent e = onlyCall(span, downstream.url("/slow"), downstream.port());
        assertThat(e.getError()).isTrue();
        assertThat(e.getStatus()).isZero();
        assertThat(e.getException().getClassName()).isEqualTo(timeoutException());
        assertThat(e.getElapsed()).isBetween(2900, 7900); // the 3 s timeout, not the 8 s answer
        assertTraceHeaders(downstream.last("/slow"), span, e);
    }

    @Test
    synchronized void redirectIsOneCallWithTheFinalStatus() throws Exception {
        Span span = call(downstream.url("/redirect"), false, "status=200");
        SpanEvent e = onlyCall(span, downstream.url("/redirect"), downstream.port());
        assertThat(e.getStatus()).isEqualTo(200);
        assertThat(e.getError()).isFalse();
        assertTraceHeaders(downstream.last("/redirect"), span, e);
        assertTraceHeaders(downstream.last("/ok-after-redirect"), span, e);
    }

    @Test
    synchronized void asyncCallEndsWhenItsResultArrives() throws Exception {
        Span span = call(downstream.url("/ok-async"), true, "status=200");
        SpanEvent e;
        if (nativeAsync()) {
            assertThat(span.getEventsList()).hasSize(1); // no rows from the library's own threads
            e = span.getEvents(0);
            assertThat(e.getDepth()).isEqualTo(1);
        } else {
            // the application runs the blocking call in a CompletableFuture task: its ASYNC row, the call under it
            assertThat(span.getEventsList()).hasSize(2);
            SpanEvent task = span.getEvents(0);
            assertThat(task.getServiceType()).isEqualTo("ASYNC");
            assertThat(task.getDepth()).isEqualTo(1);
            e = span.getEvents(1);
            assertThat(e.getDepth()).isEqualTo(2);
            assertThat(e.getThreadName()).isEqualTo(task.getThreadName());
        }
        assertThat(e.getServiceType()).isEqualTo("HTTP_CLIENT");
        assertThat(collector.metadata(e.getApiId())).isEqualTo(library() + " GET");
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + downstream.port());
        assertThat(e.getStatus()).isEqualTo(200);
        assertThat(e.getError()).isFalse();
        assertTraceHeaders(downstream.last("/ok-async"), span, e);
        assertAsyncThread(e);
    }

    /** True when the library has its own async API (the call starts on the request thread). */
    boolean nativeAsync() {
        return false;
    }

    /** Native async APIs start on the request thread; the others run in a CompletableFuture task. */
    void assertAsyncThread(SpanEvent e) {
        assertThat(e.getThreadName()).isNotEmpty().doesNotStartWith("http-nio-");
    }

    @Test
    synchronized void nestedCallContinuesInTheCalledApplication() throws Exception {
        String viaB = "http://127.0.0.1:" + portB + "/call/b?target="
                + URLEncoder.encode(downstream.url("/nested"), StandardCharsets.UTF_8);
        Span a = call(viaB, false, "status=200");
        SpanEvent callB = onlyCall(a, "http://127.0.0.1:" + portB + "/call/b", portB);
        assertThat(callB.getStatus()).isEqualTo(200);
        Span b = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-b") && s.getTraceId().equals(a.getTraceId()), WAIT).get(0);
        assertThat(b.getSpanId()).isEqualTo(callB.getNextSpanId());
        assertThat(b.getParentSpanId()).isEqualTo(a.getSpanId());
        assertThat(b.getParentApplication()).isEqualTo("it-a");
        assertThat(b.getParentServiceType()).isEqualTo("TOMCAT");
        assertThat(b.getEndpoint()).isEqualTo("127.0.0.1:" + portB);
        assertThat(b.getUri()).isEqualTo("/call/b");
        SpanEvent callDown = onlyCall(b, downstream.url("/nested"), downstream.port());
        assertThat(callDown.getStatus()).isEqualTo(200);
        assertTraceHeaders(downstream.last("/nested"), b, callDown);
    }

    @Test
    synchronized void workHandedToOtherThreadsStaysInTheTransactionAndDoesNotLeak() throws Exception {
        Http.get(baseA + "/executor?target=" + URLEncoder.encode(downstream.url("/from-async"), StandardCharsets.UTF_8));
        Span span = collector.awaitSpans(1, s -> s.getApplicationName().equals("it-a") && s.getUri().equals("/executor"), WAIT).get(0);
        // each task that recorded something is an ASYNC row under the entry, its calls under it
        assertThat(span.getEventsList()).hasSize(4);
        assertThat(span.getEventsList()).extracting(SpanEvent::getDepth).containsExactly(1, 2, 1, 2);
        assertThat(span.getEvents(0).getServiceType()).isEqualTo("ASYNC");
        assertThat(collector.metadata(span.getEvents(0).getApiId())).isEqualTo("Async FutureTask");
        SpanEvent query = span.getEvents(1);
        assertThat(collector.metadata(query.getApiId())).isEqualTo("PreparedStatement.executeQuery");
        assertThat(query.getThreadName()).isEqualTo("app-pool");
        assertThat(query.getBindValuesList()).hasSize(1);
        assertThat(span.getEvents(2).getServiceType()).isEqualTo("ASYNC");
        assertThat(collector.metadata(span.getEvents(2).getApiId())).isEqualTo("Async AsyncSupply");
        SpanEvent http = span.getEvents(3);
        assertThat(http.getServiceType()).isEqualTo("HTTP_CLIENT");
        assertThat(collector.metadata(http.getApiId())).isEqualTo(library() + " GET");
        // the common pool, or a thread per task when the machine has fewer than 3 cores
        assertThat(http.getThreadName()).isNotEmpty().doesNotStartWith("http-nio-");
        assertThat(http.getDepth()).isEqualTo(2);
        assertTraceHeaders(downstream.last("/from-async"), span, http);

        // the pool thread forgot the transaction: work it runs later outside one carries nothing
        Http.get(baseA + "/untraced-work?target=" + URLEncoder.encode(downstream.url("/untraced"), StandardCharsets.UTF_8));
        assertThat(downstream.last("/untraced").header("traceparent")).isNull();
    }

    @Test
    synchronized void callsOutsideATransactionCarryNothingAfterTracedOnes() throws Exception {
        call(downstream.url("/ok-before"), true, "status=200"); // the library's threads have served a traced call
        Http.Response r = Http.get(baseA + "/untraced?target="
                + URLEncoder.encode(downstream.url("/outside"), StandardCharsets.UTF_8));
        assertThat(r.body()).isEqualTo("200 200");
        List<Downstream.Received> outside = downstream.received.stream().filter(x -> x.path().equals("/outside")).toList();
        assertThat(outside).hasSize(2);
        assertThat(outside).allSatisfy(x -> assertThat(x.header("traceparent")).isNull());
        Span marker = collector.awaitSpan("/untraced", WAIT);
        assertThat(marker.getEventsList()).isEmpty();
        assertThat(collector.spans()).flatMap(Span::getEventsList)
                .noneMatch(e -> e.getArgument().endsWith("/outside"));
    }
}
