package io.sightline.agent.core.trace;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

import io.sightline.agent.core.http.ResponseStatus;

/**
 * Ends the event of an asynchronous HTTP client call when its result arrives, before the
 * application sees the result: through a future that completes after the library's own
 * (java.net.http sendAsync) or a callback placed in front of the application's (OkHttp enqueue,
 * Apache async clients). The application's continuation runs with the call's transaction
 * attached, unless that transaction is already over.
 */
final class AsyncCalls {
    private AsyncCalls() {
    }

    /** A future completing like {@code source}, after the call's event ended; cancelling it cancels the source. */
    static CompletableFuture<Object> relay(final Tracer tracer, final Tracer.ClientCall call,
                                           final CompletableFuture<Object> source) {
        final Relay relay = new Relay(tracer, call, source);
        final SpanRecord span = call.span(); // read now: the call lets go of it when it ends
        source.whenComplete(new BiConsumer<Object, Throwable>() {
            @Override
            public void accept(Object result, Throwable thrown) {
                Object token = null;
                try {
                    tracer.completeClientCall(call, result, unwrap(thrown));
                    token = tracer.attachSpan(span);
                } catch (Throwable ignored) {
                    // the application's result must get through whatever happens here
                }
                try {
                    if (thrown == null) {
                        relay.complete(result);
                    } else {
                        relay.completeExceptionally(thrown);
                    }
                } finally {
                    tracer.contextClose(token);
                }
            }
        });
        return relay;
    }

    /** A future that passes cancellation on to the library's own. */
    static final class Relay extends CompletableFuture<Object> {
        private final Tracer tracer;
        private final Tracer.ClientCall call;
        private final CompletableFuture<Object> source;

        Relay(Tracer tracer, Tracer.ClientCall call, CompletableFuture<Object> source) {
            this.tracer = tracer;
            this.call = call;
            this.source = source;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // the event ends before anyone waiting on this future wakes up (and ends the
            // transaction); the library may finish its own future later, on another thread
            try {
                tracer.completeClientCall(call, null, new CancellationException("cancelled"));
            } catch (Throwable ignored) {
                // cancelling must work whatever happens here
            }
            source.cancel(mayInterruptIfRunning);
            return super.cancel(mayInterruptIfRunning) || isCancelled();
        }
    }

    /** A proxy of {@code type} that ends the call's event on the first outcome, then calls {@code delegate}. */
    static Object callback(Tracer tracer, Tracer.ClientCall call, Object delegate, Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new CallbackHandler(tracer, call, delegate));
    }

    static final class CallbackHandler implements InvocationHandler {
        private final Tracer tracer;
        private final Tracer.ClientCall call;
        /** The call's span, read when the callback is made: the call lets go of it when it ends. */
        private final SpanRecord span;
        private final Object delegate;

        CallbackHandler(Tracer tracer, Tracer.ClientCall call, Object delegate) {
            this.tracer = tracer;
            this.call = call;
            this.span = call.span();
            this.delegate = delegate;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                if ("equals".equals(name)) {
                    return proxy == args[0];
                }
                if ("hashCode".equals(name)) {
                    return System.identityHashCode(proxy);
                }
                return "Sightline callback of " + delegate;
            }
            Object token = null;
            try {
                Object last = args == null || args.length == 0 ? null : args[args.length - 1];
                if ("onResponse".equals(name) || "completed".equals(name)) {
                    tracer.completeClientCall(call, last, null);
                } else if ("onFailure".equals(name) || "failed".equals(name)) {
                    tracer.completeClientCall(call, null, last instanceof Throwable ? (Throwable) last : null);
                } else if ("cancelled".equals(name)) {
                    tracer.completeClientCall(call, null, new CancellationException("cancelled"));
                }
                token = tracer.attachSpan(span);
            } catch (Throwable ignored) {
                // never in the way of the application's callback
            }
            try {
                if (delegate == null) {
                    return null;
                }
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                tracer.contextClose(token);
            }
        }
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
