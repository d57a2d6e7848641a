package io.sightline.agent.bridge;

/**
 * The one entry point of inlined advice. Advice calls a static method here; the call goes to
 * the installed {@link BridgeHandler} (the agent core) or to the no-op default.
 *
 * <p>This class is loaded by the bootstrap loader (premain appends the agent jar to its search
 * path before anything touches it), so advice inlined in any class, JDK classes included, can
 * call it.
 */
public final class Bridge {
    private static volatile BridgeHandler handler = new BridgeHandler();

    private Bridge() {
    }

    /** Installs the agent core. Called once by the agent at start. */
    public static void install(BridgeHandler h) {
        handler = h == null ? new BridgeHandler() : h;
    }

    public static BridgeHandler handler() {
        return handler;
    }

    public static Object serverEnter(String serviceType, String method, String uri, String host, String scheme,
                                     String clientIp, String traceparent, String parent, String parentApplication,
                                     String parentServiceType, String parentSpan) {
        return handler.serverEnter(serviceType, method, uri, host, scheme, clientIp, traceparent, parent,
                parentApplication, parentServiceType, parentSpan);
    }

    /**
     * The text of the request bytes {@code bytes[start, end)} (a URI, a header value) that a server
     * would decode with {@code charset}, from the agent's cache of such texts; null when the agent
     * cannot tell (then the advice asks the server).
     */
    public static String cachedText(byte[] bytes, int start, int end, java.nio.charset.Charset charset) {
        return handler.cachedText(bytes, start, end, charset);
    }

    public static String clientIpHeader() {
        return handler.clientIpHeader();
    }

    public static void serverDetach(Object scope) {
        if (scope != null) {
            handler.serverDetach(scope);
        }
    }

    public static void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
        if (scope != null) {
            handler.serverExit(scope, status, thrown, uriTemplate);
        }
    }

    public static Object httpClientEnter(Object request, String library, String method, String url,
                                         boolean alreadySent) {
        return handler.httpClientEnter(request, library, method, url, alreadySent);
    }

    /** {@link #httpClientEnter(Object, String, String, String, boolean)} with the URL's object, not its text. */
    public static Object httpClientEnter(Object request, String library, String method, java.net.URL url,
                                         boolean alreadySent) {
        return handler.httpClientEnter(request, library, method, url, alreadySent);
    }

    public static String[] outgoingHeaders(Object scope) {
        return scope == null ? null : handler.outgoingHeaders(scope);
    }

    public static void httpClientExit(Object scope, int status, Throwable thrown, boolean completes) {
        if (scope != null) {
            handler.httpClientExit(scope, status, thrown, completes);
        }
    }

    /** See {@link BridgeHandler#printHeadLines}. */
    public static int printHeadLines(Object lock, String[] keys, String[] values, int count, java.io.PrintStream out) {
        return handler.printHeadLines(lock, keys, values, count, out);
    }

    /** See {@link BridgeHandler#restoreHeadLines}. */
    public static void restoreHeadLines(Object lock, String[] keys, int taken) {
        if (taken > 0) {
            handler.restoreHeadLines(lock, keys, taken);
        }
    }

    /**
     * The call of {@code scope} continues under {@code key} too (e.g. the request copy that
     * carries the trace headers), so a later {@link #httpClientEnter} on it finds the same event.
     */
    public static void httpClientBind(Object scope, Object key) {
        if (scope != null && key != null) {
            handler.httpClientBind(scope, key);
        }
    }

    /**
     * The call bound to {@code key} with {@link #httpClientBind} has its outcome (status, 0 when
     * unknown, or failure): its event ends now, whatever thread this is (a library's completion
     * of the future the application may be waiting on, before it wakes up).
     */
    public static void httpClientEnd(Object key, int status, Throwable thrown) {
        if (key != null) {
            handler.httpClientEnd(key, status, thrown);
        }
    }

    /**
     * An asynchronous client call returned {@code future} (a CompletableFuture): returns the
     * future to hand to the application, which completes once the call's event has ended (or
     * {@code future} itself when nothing is recorded).
     */
    public static Object httpClientFuture(Object scope, Object future) {
        return scope == null || future == null ? future : handler.httpClientFuture(scope, future);
    }

    /**
     * An asynchronous client call takes {@code callback} (of interface {@code callbackType}, may be
     * null): returns the callback to pass on instead, which ends the call's event first.
     */
    public static Object httpClientCallback(Object scope, Object callback, Class<?> callbackType) {
        return scope == null || callbackType == null ? callback : handler.httpClientCallback(scope, callback, callbackType);
    }

    public static void jdbcClosed(Object statement) {
        if (statement != null) {
            handler.jdbcClosed(statement);
        }
    }

    public static void jdbcPrepared(Object statement, String sql) {
        handler.jdbcPrepared(statement, sql);
    }

    public static void jdbcBind(Object statement, int index, Object value) {
        handler.jdbcBind(statement, index, value);
    }

    public static void jdbcClearParameters(Object statement) {
        handler.jdbcClearParameters(statement);
    }

    public static void jdbcAddBatch(Object statement, String sql) {
        handler.jdbcAddBatch(statement, sql);
    }

    public static Object jdbcPrepareEnter() {
        return handler.jdbcPrepareEnter();
    }

    public static Object jdbcEnter(Object statement, String method, String sql) {
        return handler.jdbcEnter(statement, method, sql);
    }

    public static void jdbcExit(Object scope, Throwable thrown) {
        if (scope != null) {
            handler.jdbcExit(scope, thrown);
        }
    }

    public static void contextCapture(Object task) {
        handler.contextCapture(task);
    }

    public static Object contextAttach(Object task) {
        return handler.contextAttach(task);
    }

    public static void contextClose(Object token) {
        if (token != null) {
            handler.contextClose(token);
        }
    }

    public static void poolRegister(Object pool, String library, String name, Object config) {
        handler.poolRegister(pool, library, name, config);
    }

    public static void poolUnregister(Object pool) {
        handler.poolUnregister(pool);
    }

    /**
     * A ForkJoinPool wrapped the application's Runnable or Callable ({@code adaptee}) in its own
     * task: the task carries the transaction, unless the adaptee is a library's own machinery.
     */
    public static void captureAdapted(Object task, Object adaptee) {
        BridgeHandler h = handler;
        if (adaptee instanceof Runnable && !h.shouldCarryContext((Runnable) adaptee)) {
            return;
        }
        h.contextCapture(task);
    }

    /**
     * The application forks or hands a ForkJoinTask of its own to a pool: it carries the
     * transaction. CompletableFuture's stages are left alone: they captured theirs where the
     * pipeline was set up, and are handed to a pool from wherever the previous stage completed.
     */
    public static void captureForkJoinTask(Object task) {
        if (task == null || task instanceof java.util.concurrent.CompletableFuture.AsynchronousCompletionTask) {
            return;
        }
        handler.contextCapture(task);
    }

    /** The context a pool worker attached for the task it runs (see {@link #taskBegin}). */
    private static final ThreadLocal<Object> RUNNING = new ThreadLocal<Object>();

    /**
     * A plain Runnable is about to be queued on a ThreadPoolExecutor: the transaction is kept
     * beside it (keyed by the application's own object, which is queued unchanged) until a
     * worker runs it. Futures and fork-join tasks carry their own.
     */
    public static void captureTask(Runnable task) {
        if (task == null || task instanceof java.util.concurrent.Future
                || task instanceof java.util.concurrent.ForkJoinTask) {
            return;
        }
        BridgeHandler h = handler;
        if (h.shouldCarryContext(task)) {
            h.contextCapture(task);
        }
    }

    /**
     * A pool worker is about to run {@code task} on this thread: attaches what
     * {@link #captureTask} kept, until {@link #taskEnd}. Whatever an earlier task left attached
     * is closed first.
     */
    public static void taskBegin(Runnable task) {
        taskEnd();
        if (task == null || task instanceof java.util.concurrent.Future
                || task instanceof java.util.concurrent.ForkJoinTask) {
            return;
        }
        Object token = handler.contextAttach(task);
        if (token != null) {
            RUNNING.set(token);
        }
    }

    /** The pool worker of this thread is done with its task: the thread gets its own context back. */
    public static void taskEnd() {
        Object token = RUNNING.get();
        if (token != null) {
            RUNNING.set(null);
            handler.contextClose(token);
        }
    }
}
