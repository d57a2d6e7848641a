package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.ServiceTypes;

/**
 * The sequence the HttpAsyncClient 4 plugin drives: the exchange's future captures the caller's
 * context before the call begins, the call is bound to two library objects (the exchange's state
 * and its handler), whichever reports first ends it once, and the application's callback, run by
 * the future on an I/O thread, is an ASYNC row of the caller's transaction whose calls nest under
 * it; the I/O thread carries nothing afterwards.
 */
class ExchangeBoundTwiceTest {
    final Backlog<SpanRecord> backlog = new Backlog<>(100);
    final Tracer t;

    ExchangeBoundTwiceTest() {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "app";
        t = new Tracer(s, backlog, new TransactionStats());
    }

    /** The caller's side of one exchange; returns {state, handler, future}. */
    Object[] start(String url) {
        Object state = new Object();
        Object handler = new Object();
        Object future = new Object();
        t.contextCapture(future); // the exchange handler is built
        Object call = t.httpClientEnter(new Object(), "ApacheHttpAsyncClient4", "GET", url, false); // prepare
        assertThat(t.outgoingHeaders(call)).hasSize(4);
        t.httpClientBind(call, state);
        t.httpClientBind(call, handler);
        t.httpClientExit(call, -1, null, false);
        return new Object[] {state, handler, future};
    }

    /** Runs {@code r} on a thread of its own, as an I/O dispatcher would; returns what that thread had current after. */
    SpanRecord onIoThread(Runnable r) throws InterruptedException {
        AtomicReference<SpanRecord> after = new AtomicReference<>();
        Thread io = new Thread(() -> {
            r.run();
            after.set(t.currentSpan());
        }, "I/O dispatcher 1");
        io.start();
        io.join();
        return after.get();
    }

    @Test
    void theFinalResponseEndsTheCallAndTheCallbackRunsInTheTransaction() throws Exception {
        Object server = t.serverEnter("TOMCAT", "GET", "/a", "h:8080", "http", "10.0.0.1", null, null, null, null, null);
        Object[] ok = start("http://down:81/first?q=1");
        Object[] timedOut = start("http://down:81/slow");
        Object[] cancelled = start("http://down:81/cancelled");
        SpanRecord leftOnIoThread = onIoThread(() -> {
            t.httpClientEnd(ok[0], 200, null); // setFinalResponse
            Object token = t.contextAttach(ok[2]); // the future calls the application's callback
            Object[] second = start("http://down:81/second"); // a call made from the callback
            t.httpClientEnd(second[0], 201, null);
            t.httpClientEnd(ok[1], 0, new IllegalStateException("late failure")); // already ended: nothing
            t.contextClose(token);
            t.httpClientEnd(timedOut[1], 0, new SocketTimeoutException("3,000 milliseconds timeout"));
            t.httpClientEnd(timedOut[0], 200, null); // already ended: nothing
        });
        assertThat(leftOnIoThread).isNull();
        t.httpClientEnd(cancelled[1], 0, new CancellationException("cancelled"));
        t.serverExit(server, 200, null, null);

        List<SpanRecord> spans = new ArrayList<>();
        backlog.drainTo(spans, 10);
        assertThat(spans).hasSize(1);
        List<EventRecord> events = spans.get(0).events();
        assertThat(events).extracting(e -> e.serviceType).containsExactly(ServiceTypes.HTTP_CLIENT,
                ServiceTypes.HTTP_CLIENT, ServiceTypes.HTTP_CLIENT, ServiceTypes.ASYNC, ServiceTypes.HTTP_CLIENT);
        assertThat(events).extracting(e -> e.depth).containsExactly(1, 1, 1, 1, 2);
        assertThat(events).extracting(e -> e.argument).containsExactly("http://down:81/first", "http://down:81/slow",
                "http://down:81/cancelled", null, "http://down:81/second");
        assertThat(events.get(0).status).isEqualTo(200);
        assertThat(events.get(0).error).isFalse();
        assertThat(events.get(1).status).isZero();
        assertThat(events.get(1).error).isTrue();
        assertThat(events.get(1).exception.className).isEqualTo("java.net.SocketTimeoutException");
        assertThat(events.get(2).error).isTrue();
        assertThat(events.get(2).exception.className).isEqualTo("java.util.concurrent.CancellationException");
        assertThat(events.get(3).threadName).isEqualTo("I/O dispatcher 1");
        assertThat(events.get(4).threadName).isEqualTo("I/O dispatcher 1");
        assertThat(events.get(4).status).isEqualTo(201);
    }
}
