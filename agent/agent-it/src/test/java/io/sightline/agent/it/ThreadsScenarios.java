package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.sightline.agent.it.apps.ThreadsApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * The transaction follows work handed to other threads (executors, scheduled executors,
 * CompletableFuture async stages), with the real agent in a child JVM; subclasses choose its JDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ThreadsScenarios {
    static final Duration WAIT = Duration.ofSeconds(20);
    TestCollector collector;
    Downstream downstream;
    ForkedJvm app;
    String base;

    abstract String javaHome();

    @BeforeAll
    void startApp() throws Exception {
        collector = TestCollector.start();
        downstream = new Downstream();
        app = ForkedJvm.builder()
                .javaHome(javaHome())
                .withAgent()
                .property("sightline.applicationName", "it-threads")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api"))
                .main(ThreadsApp.class.getName())
                .start();
        base = "http://127.0.0.1:" + app.awaitLine("READY", WAIT);
    }

    @AfterAll
    void stopApp() throws Exception {
        if (app != null) {
            app.close();
        }
        if (downstream != null) {
            downstream.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    /** Calls {@code path} of the app with the downstream as target; returns its span. */
    Span run(String path, String expectedBody) throws Exception {
        assertThat(Http.get(base + path + "?target=" + downstream.url("")).body()).isEqualTo(expectedBody);
        return collector.awaitSpan(path, WAIT);
    }

    /** "depth type api argument" per event, in call-tree order. */
    List<String> rows(Span span) {
        List<String> rows = new ArrayList<>();
        int sequence = 0;
        for (SpanEvent e : span.getEventsList()) {
            assertThat(e.getSequence()).isEqualTo(++sequence);
            rows.add(e.getDepth() + " " + e.getServiceType() + " " + collector.metadata(e.getApiId())
                    + (e.getArgument().isEmpty() ? "" : " " + e.getArgument()));
        }
        return rows;
    }

    String url(String path) {
        return downstream.url(path);
    }

    /** The traceparent the downstream got on {@code path}: this span's trace, sampled. */
    void assertPropagated(Span span, String path) {
        Downstream.Received got = downstream.received.stream().filter(r -> r.path().equals(path)).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(got.header("traceparent")).startsWith("00-" + TraceIds.hex(span.getTraceId().toByteArray()) + "-")
                .endsWith("-01");
    }

    @Test
    void executeWithAPlainRunnable() throws Exception {
        Span span = run("/execute", "execute 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async Runnable",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/execute"));
        assertThat(span.getEvents(0).getThreadName()).isEqualTo("one-pool");
        assertThat(span.getEvents(1).getThreadName()).isEqualTo("one-pool");
        assertPropagated(span, "/execute");
    }

    @Test
    void submitACallable() throws Exception {
        Span span = run("/submit", "submit 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async FutureTask",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/submit"));
        assertThat(span.getEvents(0).getThreadName()).isEqualTo("one-pool");
        assertPropagated(span, "/submit");
    }

    @Test
    void scheduledExecutor() throws Exception {
        Span span = run("/schedule", "schedule 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async ScheduledFutureTask",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/schedule"));
        assertThat(span.getEvents(1).getThreadName()).isEqualTo("sched-pool");
        assertPropagated(span, "/schedule");
    }

    @Test
    void completableFutureStagesOnTheDefaultPool() throws Exception {
        Span span = run("/cf-common", "cf-common 200 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async AsyncSupply",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/supply"),
                "1 ASYNC Async UniApply",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/apply"));
        // the common pool, or a thread per task when the machine has fewer than 3 cores
        for (SpanEvent e : span.getEventsList()) {
            assertThat(e.getThreadName()).isNotEmpty().doesNotStartWith("http-nio-");
        }
        assertPropagated(span, "/supply");
        assertPropagated(span, "/apply");
    }

    @Test
    void completableFutureStagesOnACustomExecutor() throws Exception {
        Span span = run("/cf-custom", "cf-custom 200 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async AsyncSupply",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/supply"),
                "1 ASYNC Async UniApply",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/apply"));
        for (SpanEvent e : span.getEventsList()) {
            assertThat(e.getThreadName()).startsWith("cf-pool");
        }
    }

    @Test
    void thePoolShowsTheApplicationItsOwnRunnables() throws Exception {
        // getQueue().contains, remove(r), shutdownNow() and beforeExecute see the application's
        // own Job objects, exactly as without the agent; the one Job that runs is traced
        Span span = run("/queue", "queued true true removed true 1 before runs status 200 drained drained");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async Job",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/queue"));
        assertThat(span.getEvents(0).getThreadName()).isEqualTo("queue-pool");
        assertThat(span.getEvents(1).getThreadName()).isEqualTo("queue-pool");
        assertPropagated(span, "/queue");
    }

    @Test
    void forkJoinPoolSubmitExecuteAndInvoke() throws Exception {
        Span span = run("/fj", "fj 200 200 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async " + forkJoinCallableTask(),
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/fj-submit"),
                "1 ASYNC Async RunnableExecuteAction",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/fj-execute"),
                "1 ASYNC Async Fetch",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/fj-invoke"));
        for (SpanEvent e : span.getEventsList()) {
            assertThat(e.getThreadName()).isEqualTo("fj-pool");
        }
        assertPropagated(span, "/fj-submit");
        assertPropagated(span, "/fj-execute");
        assertPropagated(span, "/fj-invoke");
    }

    @Test
    void poolThreadsForgetTheTransactionEvenWithoutAfterExecute() throws Exception {
        Span span = run("/nosuper", "nosuper 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async Runnable",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/nosuper"));
        assertThat(span.getEvents(1).getThreadName()).isEqualTo("nosuper-pool");
        run("/fj-again", "fj 200 200 200");
        assertThat(Http.get(base + "/untraced-pools?target=" + downstream.url("")).body()).isEqualTo("untraced");
        Span untraced = collector.awaitSpan("/untraced-pools", WAIT);
        assertThat(untraced.getEventsList()).isEmpty();
        for (String path : List.of("/untraced-nosuper", "/untraced-fj", "/untraced-fj-submit")) {
            Downstream.Received got = downstream.received.stream().filter(r -> r.path().equals(path)).findFirst()
                    .orElseThrow();
            assertThat(got.traceHeaders()).as(path).isEmpty();
        }
        Thread.sleep(500);
        assertThat(collector.spans()).flatMap(Span::getEventsList).extracting(SpanEvent::getArgument)
                .noneMatch(a -> a.contains("/untraced-"));
    }

    /** The ForkJoinPool's own task around a submitted Callable (its name changed in Java 19). */
    String forkJoinCallableTask() {
        return "AdaptedCallable";
    }

    @Test
    void aTaskThatRecordsNothingLeavesNoRow() throws Exception {
        Span span = run("/quiet", "quiet 42");
        assertThat(span.getEventsList()).isEmpty();
        assertThat(span.getDroppedEvents()).isZero();
    }

    @Test
    void thePooledThreadForgetsTheTransaction() throws Exception {
        // traced work first, on the same one-thread pool (a Future, then a plain Runnable)
        run("/submit", "submit 200");
        run("/execute", "execute 200");
        assertThat(Http.get(base + "/untraced-work?target=" + downstream.url("")).body()).isEqualTo("untraced");
        Span span = collector.awaitSpan("/untraced-work", WAIT);
        assertThat(span.getEventsList()).isEmpty();
        Downstream.Received got = downstream.received.stream().filter(r -> r.path().equals("/untraced")).findFirst()
                .orElseThrow();
        assertThat(got.traceHeaders()).isEmpty();
        Thread.sleep(500);
        assertThat(collector.spans()).flatMap(Span::getEventsList).extracting(SpanEvent::getArgument)
                .doesNotContain(url("/untraced"));
    }

    @Test
    void exceptionsOutOfTheEntryAndOutOfACall() throws Exception {
        assertThat(Http.get(base + "/fail?where=entry").status()).isEqualTo(500);
        Span entry = collector.awaitSpan("/fail", WAIT);
        assertThat(entry.getError()).isTrue();
        assertThat(entry.getStatus()).isEqualTo(500);
        assertThat(entry.getException().getClassName()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(entry.getException().getMessage()).isEqualTo("bad input entry");
        assertThat(entry.getException().getFramesList()).hasSize(5);
        assertThat(entry.getException().getFrames(0)).startsWith("io.sightline.agent.it.apps.ThreadsApp.lambda$main$")
                .contains("(ThreadsApp.java:");

        assertThat(Http.get(base + "/fail?where=call").body()).isEqualTo("caught -1");
        Span call = collector.awaitSpans(1, s -> s.getUri().equals("/fail") && !s.getError(), WAIT).get(0);
        assertThat(call.getStatus()).isEqualTo(200);
        assertThat(rows(call)).containsExactly("1 HTTP_CLIENT HttpURLConnection GET http://127.0.0.1:1/refused");
        SpanEvent e = call.getEvents(0);
        assertThat(e.getError()).isTrue();
        assertThat(e.getException().getClassName()).isEqualTo("java.net.ConnectException");
        assertThat(e.getException().getMessage()).contains("Connection refused");
        assertThat(e.getException().getFramesList()).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    }
}
