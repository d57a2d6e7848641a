package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * The scenarios of an HTTP client with an asynchronous API of its own (the call starts on the
 * request thread, the application's callback runs on the library's I/O thread): the shared ones,
 * plus a call made from a callback, the I/O threads left clean, and a cancelled call.
 */
abstract class NativeAsyncClientScenarios extends HttpClientScenarios {
    /** The api of the callback's ASYNC row: "Async " and the class of the library's future. */
    abstract String callbackRowApi();

    @Override
    boolean nativeAsync() {
        return true;
    }

    @Override
    void assertAsyncThread(SpanEvent e) {
        assertThat(e.getThreadName()).isEmpty(); // begun by the application's call on the request thread
    }

    @Test
    synchronized void aCallFromTheCallbackBelongsToTheCallersTransaction() throws Exception {
        String first = downstream.url("/first?then=" + URLEncoder.encode(downstream.url("/from-callback"), StandardCharsets.UTF_8));
        Span span = call(first, true, "status=200");
        // the first call; the callback, on a reactor thread, is an ASYNC row with the second call under it
        assertThat(span.getEventsList()).extracting(SpanEvent::getServiceType)
                .containsExactly("HTTP_CLIENT", "ASYNC", "HTTP_CLIENT");
        assertThat(span.getEventsList()).extracting(SpanEvent::getDepth).containsExactly(1, 1, 2);
        SpanEvent one = span.getEvents(0);
        assertThat(one.getArgument()).isEqualTo(downstream.url("/first"));
        assertThat(one.getThreadName()).isEmpty();
        assertThat(one.getStatus()).isEqualTo(200);
        SpanEvent callback = span.getEvents(1);
        assertThat(collector.metadata(callback.getApiId())).isEqualTo(callbackRowApi());
        assertThat(callback.getThreadName()).isNotEmpty().doesNotStartWith("http-nio-");
        SpanEvent two = span.getEvents(2);
        assertThat(two.getArgument()).isEqualTo(downstream.url("/from-callback"));
        assertThat(two.getThreadName()).isEqualTo(callback.getThreadName());
        assertThat(two.getStatus()).isEqualTo(200);
        assertThat(collector.metadata(two.getApiId())).isEqualTo(library() + " GET");
        assertTraceHeaders(downstream.last("/first"), span, one);
        assertTraceHeaders(downstream.last("/from-callback"), span, two);
    }

    @Test
    synchronized void reactorThreadsCarryNothingAfterRunningATracedCallback() throws Exception {
        // a traced callback ran on the reactor thread (the client has one per core: do it on each)
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            String first = downstream.url("/traced-first?then=" + URLEncoder.encode(downstream.url("/traced-second"), StandardCharsets.UTF_8));
            call(first, true, "status=200");
        }
        // outside any transaction: the call made from the callback on the reactor thread carries nothing
        String outsideFirst = downstream.url("/outside-first?then="
                + URLEncoder.encode(downstream.url("/outside-second"), StandardCharsets.UTF_8));
        Http.Response r = Http.get(baseA + "/untraced?target=" + URLEncoder.encode(outsideFirst, StandardCharsets.UTF_8));
        assertThat(r.body()).isEqualTo("200 200");
        List<Downstream.Received> outside = downstream.received.stream()
                .filter(x -> x.path().startsWith("/outside-")).toList();
        assertThat(outside).extracting(Downstream.Received::path)
                .containsExactly("/outside-first", "/outside-first", "/outside-second");
        assertThat(outside).allSatisfy(x -> assertThat(x.header("traceparent")).isNull());
        Span marker = collector.awaitSpan("/untraced", WAIT);
        assertThat(marker.getEventsList()).isEmpty();
    }

    @Test
    synchronized void cancellingTheFutureEndsTheCallAsCancelled() throws Exception {
        Span span = call(downstream.url("/slow-cancelled?cancel=1"), false, "status=499");
        assertThat(span.getEventsList()).hasSize(1);
        SpanEvent e = span.getEvents(0);
        assertThat(e.getServiceType()).isEqualTo("HTTP_CLIENT");
        assertThat(e.getArgument()).isEqualTo(downstream.url("/slow-cancelled"));
        assertThat(e.getDestination()).isEqualTo("127.0.0.1:" + downstream.port());
        assertThat(e.getThreadName()).isEmpty();
        assertThat(e.getError()).isTrue();
        assertThat(e.getStatus()).isZero();
        assertThat(e.getException().getClassName()).isEqualTo("java.util.concurrent.CancellationException");
        assertThat(e.getElapsed()).isBetween(400, 2900); // cut short by the cancel, not the 3 s timeout
        assertTraceHeaders(downstream.last("/slow-cancelled"), span, e);
    }
}
