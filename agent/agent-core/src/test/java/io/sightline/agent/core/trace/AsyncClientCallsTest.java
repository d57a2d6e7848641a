package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.util.Backlog;

/**
 * Asynchronous HTTP client calls as the plugins drive them: the event ends when the library's
 * future or callback reports, the application's continuation runs inside the transaction, the
 * library's own tasks don't, and nothing is recorded on a transaction that is already over.
 */
class AsyncClientCallsTest {
    final Backlog<SpanRecord> backlog = new Backlog<>(100);

    Tracer tracer() {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "app";
        return new Tracer(s, backlog, new TransactionStats());
    }

    Object enter(Tracer t) {
        return t.serverEnter("TOMCAT", "GET", "/a", "h:8080", "http", "10.0.0.1", null, null, null, null, null);
    }

    SpanRecord takeOne() {
        List<SpanRecord> out = new ArrayList<>();
        backlog.drainTo(out, 10);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    /** Shaped like the libraries' responses: a public status accessor. */
    public static final class Response {
        private final int status;

        Response(int status) {
            this.status = status;
        }

        public int code() {
            return status;
        }
    }

    /** Shaped like OkHttp's Callback. */
    public interface Callback {
        void onFailure(Object call, IOException e);

        void onResponse(Object call, Response response) throws IOException;
    }

    @Test
    void aFutureEndsTheEventBeforeTheApplicationSeesTheResult() throws Exception {
        Tracer t = tracer();
        Object server = enter(t);
        SpanRecord span = t.currentSpan();
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/x", false);
        CompletableFuture<Object> library = new CompletableFuture<>();
        t.httpClientExit(scope, -1, null, false);
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> app = (CompletableFuture<Object>) t.httpClientFuture(scope, library);
        assertThat(app).isNotSameAs(library);
        AtomicReference<SpanRecord> seenByContinuation = new AtomicReference<>();
        CompletableFuture<Object> continuation = app.thenApply(r -> {
            seenByContinuation.set(t.currentSpan());
            return r;
        });
        Thread completer = new Thread(() -> library.complete(new Response(503)), "library-thread");
        completer.start();
        completer.join();
        assertThat(continuation.get()).isInstanceOf(Response.class);
        assertThat(seenByContinuation.get()).isSameAs(span); // continuation inside the transaction
        t.serverExit(server, 200, null, null);
        EventRecord e = takeOne().events().get(0);
        assertThat(e.status).isEqualTo(503);
        assertThat(e.error).isTrue();
        assertThat(e.destination).isEqualTo("down:81");
        assertThat(e.nextSpanId).isZero(); // no headers were asked for
    }

    @Test
    void aFailedFutureIsAnErrorAndCancellingReachesTheLibrary() throws Exception {
        Tracer t = tracer();
        Object server = enter(t);
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/x", false);
        assertThat(t.outgoingHeaders(scope)).isNotNull();
        t.httpClientExit(scope, -1, null, false);
        CompletableFuture<Object> library = new CompletableFuture<>();
        CompletableFuture<?> app = (CompletableFuture<?>) t.httpClientFuture(scope, library);
        library.completeExceptionally(new ConnectException("Connection refused"));
        assertThatThrownBy(app::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectException.class);

        Object scope2 = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/y", false);
        t.httpClientExit(scope2, -1, null, false);
        CompletableFuture<Object> library2 = new CompletableFuture<>();
        CompletableFuture<?> app2 = (CompletableFuture<?>) t.httpClientFuture(scope2, library2);
        assertThat(app2.cancel(true)).isTrue();
        assertThat(app2.isCancelled()).isTrue();
        assertThat(library2.isCancelled()).isTrue();

        // a library whose own future ignores cancel: the event still ends before the caller wakes
        Object scope3 = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/z", false);
        t.httpClientExit(scope3, -1, null, false);
        CompletableFuture<Object> stubborn = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return false;
            }
        };
        CompletableFuture<?> app3 = (CompletableFuture<?>) t.httpClientFuture(scope3, stubborn);
        assertThat(app3.cancel(true)).isTrue();
        t.serverExit(server, 200, null, null);

        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(3);
        assertThat(events.get(0).error).isTrue();
        assertThat(events.get(0).status).isZero();
        assertThat(events.get(0).exception.className).isEqualTo("java.net.ConnectException");
        assertThat(events.get(0).nextSpanId).isNotZero();
        assertThat(events.get(1).error).isTrue();
        assertThat(events.get(1).exception.className).isEqualTo("java.util.concurrent.CancellationException");
        assertThat(events.get(2).error).isTrue();
        assertThat(events.get(2).exception.className).isEqualTo("java.util.concurrent.CancellationException");
    }

    @Test
    void aCallbackEndsTheEventThenRunsTheApplicationsCallbackInTheTransaction() throws Exception {
        Tracer t = tracer();
        Object server = enter(t);
        SpanRecord span = t.currentSpan();
        List<String> calls = new ArrayList<>();
        Callback app = new Callback() {
            @Override
            public void onFailure(Object call, IOException e) {
                calls.add("failure " + e.getMessage());
            }

            @Override
            public void onResponse(Object call, Response response) throws IOException {
                calls.add("response " + response.code() + " in " + (t.currentSpan() == span));
                throw new IOException("the application's own");
            }
        };
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/x", false);
        Callback wrapped = (Callback) t.httpClientCallback(scope, app, Callback.class);
        t.httpClientExit(scope, -1, null, false);
        Thread dispatcher = new Thread(() -> {
            try {
                wrapped.onResponse(null, new Response(404));
            } catch (IOException expected) {
                calls.add("rethrown " + expected.getMessage());
            }
            wrapped.onFailure(null, new IOException("late")); // a second outcome changes nothing
            calls.add("after: " + (t.currentSpan() == null));
        }, "dispatcher");
        dispatcher.start();
        dispatcher.join();
        assertThat(calls).containsExactly("response 404 in true", "rethrown the application's own", "failure late",
                "after: true");
        assertThat(wrapped.equals(wrapped)).isTrue();
        t.serverExit(server, 200, null, null);
        EventRecord e = takeOne().events().get(0);
        assertThat(e.status).isEqualTo(404);
        assertThat(e.error).isFalse();
        assertThat(e.threadName).isNull(); // begun on the request thread
    }

    @Test
    void tasksTheLibraryCreatesDuringACallDoNotJoinTheTransaction() {
        Tracer t = tracer();
        Object server = enter(t);
        FutureTask<Object> appTask = new FutureTask<>(() -> t.currentSpan());
        t.contextCapture(appTask);
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/x", false);
        FutureTask<Object> libraryTask = new FutureTask<>(() -> t.currentSpan());
        t.contextCapture(libraryTask);
        t.httpClientExit(scope, 200, null, true);
        Object appToken = runElsewhere(t, appTask);
        assertThat(appToken).isNotNull();
        assertThat(runElsewhere(t, libraryTask)).isNull();
        t.serverExit(server, 200, null, null);
        assertThat(takeOne().events()).hasSize(1);
    }

    private static Object runElsewhere(Tracer t, Object task) {
        AtomicReference<Object> token = new AtomicReference<>();
        Thread th = new Thread(() -> {
            token.set(t.contextAttach(task));
            t.contextClose(token.get());
        });
        th.start();
        try {
            th.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return token.get();
    }

    @Test
    void nothingIsRecordedOnATransactionThatIsOver() throws Exception {
        Tracer t = tracer();
        Object server = enter(t);
        SpanRecord span = t.currentSpan();
        FutureTask<Object> late = new FutureTask<>(() -> null);
        t.contextCapture(late);
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/x", false);
        t.httpClientExit(scope, -1, null, false);
        CompletableFuture<Object> library = new CompletableFuture<>();
        CompletableFuture<?> app = (CompletableFuture<?>) t.httpClientFuture(scope, library);
        t.serverExit(server, 200, null, null);
        assertThat(takeOne().events()).isEmpty();

        AtomicReference<SpanRecord> seen = new AtomicReference<>(span);
        app.thenRun(() -> seen.set(t.currentSpan()));
        library.complete(new Response(200)); // after the end: not recorded, not attached
        assertThat(app.get()).isInstanceOf(Response.class);
        assertThat(seen.get()).isNull();
        assertThat(runElsewhere(t, late)).isNull();
        assertThat(span.events()).isEmpty();
        // a pool thread still holding the ended span records no call on it
        assertThat(t.attachSpan(span)).isNull();
    }

    @Test
    void aCallBoundToTheLibrarysFutureEndsFromAnyThreadOnceWithItsOutcome() throws Exception {
        Tracer t = tracer();
        Object server = enter(t);
        Object future = new Object();
        Object scope = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/ok", false);
        assertThat(t.outgoingHeaders(scope)).isNotNull();
        t.httpClientBind(scope, future);
        t.httpClientExit(scope, -1, null, false); // the request is on its way
        Thread reactor = new Thread(() -> t.httpClientEnd(future, 201, null), "io-reactor");
        reactor.start();
        reactor.join();
        t.httpClientEnd(future, 500, new IOException("late")); // already ended: changes nothing
        t.httpClientEnd(new Object(), 500, null); // a future of no call

        Object failing = new Object();
        Object scope2 = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/refused", false);
        t.httpClientBind(scope2, failing);
        t.httpClientExit(scope2, -1, null, false);
        t.httpClientEnd(failing, 0, new ConnectException("Connection refused"));

        Object unanswered = new Object();
        Object scope3 = t.httpClientEnter(new Object(), "Lib", "GET", "http://down:81/never", false);
        t.httpClientBind(scope3, unanswered);
        t.httpClientExit(scope3, -1, null, false);
        t.serverExit(server, 200, null, null);
        t.httpClientEnd(unanswered, 200, null); // after the transaction: not recorded

        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).argument).isEqualTo("http://down:81/ok");
        assertThat(events.get(0).status).isEqualTo(201);
        assertThat(events.get(0).error).isFalse();
        assertThat(events.get(0).exception).isNull();
        assertThat(events.get(0).nextSpanId).isNotZero();
        assertThat(events.get(1).argument).isEqualTo("http://down:81/refused");
        assertThat(events.get(1).status).isZero();
        assertThat(events.get(1).error).isTrue();
        assertThat(events.get(1).exception.className).isEqualTo("java.net.ConnectException");
        assertThat(events.get(1).nextSpanId).isZero(); // no headers were asked for
    }
}
