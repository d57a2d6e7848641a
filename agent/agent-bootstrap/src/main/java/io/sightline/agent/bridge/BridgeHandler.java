package io.sightline.agent.bridge;

/**
 * What inlined advice can ask of the agent. The agent core subclasses this; every method here
 * does nothing, which is what the application gets while the agent is inactive.
 *
 * <p>Signatures use JDK types only: advice is inlined into application classes of any class
 * loader, and this class is loaded by the bootstrap loader, so nothing else would resolve.
 */
public class BridgeHandler {

    /**
     * A server received a request. Returns an opaque scope to hand to {@link #serverExit}, or null
     * when nothing is recorded (agent inactive, sampled out...).
     *
     * @param host the Host header (host or host:port), used as the span's endpoint
     * @param scheme http or https, for the default port when the Host header has none
     * @param parent the sightline-parent header ({@code <span id>;<service type>;<application>}) of a
     *               calling Sightline agent; when absent, the three headers older agents send instead:
     * @param parentApplication sightline-parent-app
     * @param parentServiceType sightline-parent-type
     * @param parentSpan sightline-parent-span, the calling span's id
     */
    public Object serverEnter(String serviceType, String method, String uri, String host, String scheme,
                              String clientIp, String traceparent, String parent, String parentApplication,
                              String parentServiceType, String parentSpan) {
        return null;
    }

    /**
     * The text {@code charset} decodes from {@code bytes[start, end)}, the same String for the same
     * bytes where possible; null when unsure (the caller then decodes them itself).
     */
    public String cachedText(byte[] bytes, int start, int end, java.nio.charset.Charset charset) {
        return null;
    }

    /** The header whose first address is the client IP, or null to use the socket peer. */
    public String clientIpHeader() {
        return null;
    }

    /**
     * The request's first dispatch returned but the request goes on asynchronously: the span
     * stays open and leaves this thread; {@link #serverExit} ends it later, on whatever thread.
     */
    public void serverDetach(Object scope) {
    }

    /** The request ended (status 0 when unknown). */
    public void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
    }

    /**
     * An HTTP client call on {@code request} (the library's own request or connection object)
     * starts or continues. Calls on the same request object are one event; nested calls on the
     * same thread are ignored. Returns a scope for {@link #httpClientExit} (possibly null).
     *
     * @param alreadySent true when the request headers can no longer be changed
     */
    public Object httpClientEnter(Object request, String library, String method, String url, boolean alreadySent) {
        return null;
    }

    /**
     * {@link #httpClientEnter(Object, String, String, String, boolean)} with the URL as an object,
     * read only when the call is recorded: building its text (toExternalForm) costs the
     * application's thread a few hundred bytes, for nothing when the call is nested.
     */
    public Object httpClientEnter(Object request, String library, String method, java.net.URL url, boolean alreadySent) {
        return null;
    }

    /**
     * Headers to add to the outgoing request of {@code scope}, as name, value, name, value...;
     * null when none. Returns them once per request.
     */
    public String[] outgoingHeaders(Object scope) {
        return null;
    }

    /**
     * Leaves a client call entered with {@link #httpClientEnter}.
     *
     * @param status the response status, or a value < 0 when none is known yet
     * @param completes true when the call is over (response received or failed)
     */
    public void httpClientExit(Object scope, int status, Throwable thrown, boolean completes) {
    }

    /**
     * A request head ({@code keys}/{@code values}, the first {@code count} lines; line 0 the
     * request line) is about to be printed to {@code out} by the JDK's MessageHeader, one
     * StringBuilder and String per line. When it carries the agent's trace headers, the agent may
     * write its leading lines, up to and including those headers, itself, as the same bytes,
     * and null their keys so that the JDK prints only the rest: returns how many lines it took
     * (0: none; nothing changed). {@code lock} is the header object.
     */
    public int printHeadLines(Object lock, String[] keys, String[] values, int count, java.io.PrintStream out) {
        return 0;
    }

    /** Puts back the keys {@link #printHeadLines} nulled ({@code taken} lines of {@code keys}). */
    public void restoreHeadLines(Object lock, String[] keys, int taken) {
    }

    /** Later calls on {@code key} continue the call of {@code scope}. */
    public void httpClientBind(Object scope, Object key) {
    }

    /**
     * The call bound to {@code key} (see {@link #httpClientBind}) got its outcome, on whatever
     * thread: status (0 when unknown) or failure; ends its event unless it has ended already.
     */
    public void httpClientEnd(Object key, int status, Throwable thrown) {
    }

    /**
     * The asynchronous call of {@code scope} returned {@code future} (a CompletableFuture of the
     * library's response): returns a future that completes like it once the event has ended.
     */
    public Object httpClientFuture(Object scope, Object future) {
        return future;
    }

    /**
     * The asynchronous call of {@code scope} reports to {@code callback} (an instance of interface
     * {@code callbackType}, or null): returns a callback that ends the event, then delegates.
     */
    public Object httpClientCallback(Object scope, Object callback, Class<?> callbackType) {
        return callback;
    }

    /** The application closed {@code statement}: what the agent kept about it can go. */
    public void jdbcClosed(Object statement) {
    }

    /** A statement was prepared with this SQL (Connection.prepareStatement/prepareCall). */
    public void jdbcPrepared(Object statement, String sql) {
    }

    /** A parameter was bound on a prepared statement (value null for SQL NULL). */
    public void jdbcBind(Object statement, int index, Object value) {
    }

    /** PreparedStatement.clearParameters. */
    public void jdbcClearParameters(Object statement) {
    }

    /** Statement.addBatch(sql) or PreparedStatement.addBatch(). */
    public void jdbcAddBatch(Object statement, String sql) {
    }

    /**
     * Connection.prepareStatement/prepareCall starts: statements the driver executes until the
     * matching {@link #jdbcExit} are not recorded. Returns a scope for jdbcExit, or null.
     */
    public Object jdbcPrepareEnter() {
        return null;
    }

    /**
     * A statement executes. {@code sql} is the SQL argument, or null for a prepared statement's
     * own SQL. {@code method} is the JDBC method name (executeQuery, executeBatch ...).
     */
    public Object jdbcEnter(Object statement, String method, String sql) {
        return null;
    }

    public void jdbcExit(Object scope, Throwable thrown) {
    }

    /**
     * Work ({@code task}: a FutureTask, a CompletableFuture async task...) was created on this
     * thread: remember this thread's transaction for it, if any.
     */
    public void contextCapture(Object task) {
    }

    /**
     * {@code task} starts running: makes the transaction captured for it current on this thread.
     * Returns a token for {@link #contextClose}, or null when nothing was captured.
     */
    public Object contextAttach(Object task) {
        return null;
    }

    /** {@code task} finished: restores what this thread had before. */
    public void contextClose(Object token) {
    }

    /**
     * A connection pool started: its gauges are sampled with the JVM stats until
     * {@link #poolUnregister}. {@code library} names how to read them (e.g. "hikaricp"),
     * {@code config} is the pool's configuration object when the limits live there.
     */
    public void poolRegister(Object pool, String library, String name, Object config) {
    }

    /** A connection pool shut down. */
    public void poolUnregister(Object pool) {
    }

    /**
     * True when {@code task}, about to be queued on an executor, should carry this thread's
     * transaction (it is then wrapped, and {@link #contextCapture} is called for the wrapper).
     */
    public boolean shouldCarryContext(Runnable task) {
        return false;
    }
}
