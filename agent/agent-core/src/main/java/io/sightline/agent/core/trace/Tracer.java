package io.sightline.agent.core.trace;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.sightline.agent.bridge.BridgeHandler;
import io.sightline.agent.bridge.Slotted;
import io.sightline.agent.core.http.HeadLines;
import io.sightline.agent.core.http.ResponseStatus;
import io.sightline.agent.core.http.TextCache;
import io.sightline.agent.core.http.UrlParts;
import io.sightline.agent.core.http.UrlTargets;
import io.sightline.agent.core.jdbc.BindList;
import io.sightline.agent.core.jdbc.BindValues;
import io.sightline.agent.core.stats.PoolGauges;
import io.sightline.agent.core.jdbc.JdbcUrls;
import io.sightline.agent.core.jdbc.SqlNormalizer;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.core.util.Backlog;
import io.sightline.agent.core.util.JoinedNames;
import io.sightline.agent.core.util.SlotMap;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.ServiceTypes;
import io.sightline.protocol.TraceIds;

/**
 * The agent side of the bridge: builds spans and events from what advice reports. Runs on the
 * application's threads, so it only records plain objects and hands finished spans to the
 * backlog; it never blocks and never throws into the application (advice suppresses, and every
 * method here is written not to throw on odd input).
 */
public final class Tracer extends BridgeHandler {
    /** Scope returned for calls nested in a call already recorded on this thread. */
    private static final Object NESTED = new Object();
    private static final Object[] NO_BINDS = new Object[0];
    private static final int MAX_FRAMES = 5;
    /** Statement.addBatch(sql) texts kept per batch. */
    static final int MAX_BATCH_SQL = 20;
    /** Rows of a PreparedStatement batch whose bind values are kept, and their values at most. */
    static final int MAX_BATCH_ROWS = 10;
    static final int MAX_BATCH_VALUES = 200;

    private final Settings settings;
    private final Backlog<SpanRecord> backlog;
    private final TransactionStats stats;
    private final Sampler sampler;
    private final MicroClock clock = new MicroClock();

    /**
     * Everything the tracer keeps per thread, in one object: a bridge call looks it up once
     * (four thread locals cost several lookups per call, each a probe of the thread's map).
     */
    private final ThreadLocal<ThreadState> threads = new ThreadLocal<ThreadState>() {
        @Override
        protected ThreadState initialValue() {
            return new ThreadState(Tracer.this);
        }
    };

    /**
     * This thread's state: in the thread's own slot when its class has one (Tomcat's request
     * threads, {@code TaskThread}), else in the thread local. A request thread's thread-local map
     * is crowded (Tomcat's, the application's and its libraries' entries), so each lookup probed
     * it, several times per request; the slot is a field read, and the agent's entry no longer
     * sits in the map the application's own thread locals probe. A slot holding another
     * tracer's state (only tests make more than one) sends this one to its thread local.
     */
    ThreadState state() {
        Thread t = Thread.currentThread();
        if (t instanceof Slotted) {
            Slotted slotted = (Slotted) t;
            Object v = slotted.sightline$slot();
            if (v instanceof ThreadState) {
                ThreadState ts = (ThreadState) v;
                if (ts.owner == this) {
                    return ts;
                }
            } else if (v == null) {
                ThreadState ts = new ThreadState(this);
                slotted.sightline$slot(ts);
                return ts;
            }
        }
        return threads.get();
    }

    /** Calls by request object: HttpURLConnection keeps its call in its slot. */
    private final SlotMap<ClientCall> clientCalls = new SlotMap<ClientCall>(ClientCall.class, 100_000);
    /** Statements and connections of drivers defined after the agent started carry their state in their slot. */
    private final SlotMap<StatementState> statements = new SlotMap<StatementState>(StatementState.class, 500_000);
    private final SlotMap<JdbcUrls.DbInfo> connections = new SlotMap<JdbcUrls.DbInfo>(JdbcUrls.DbInfo.class, 100_000);
    /** What a task carries, by task: FutureTask and CompletableFuture's tasks keep it in their slot. */
    private final SlotMap<Captured> tasks = new SlotMap<Captured>(Captured.class, 100_000);
    /** Normalised SQL by original text, one map per quoting dialect (no key built per call). */
    private final ConcurrentHashMap<String, String> sqlCache = new ConcurrentHashMap<String, String>();
    private final ConcurrentHashMap<String, String> mysqlSqlCache = new ConcurrentHashMap<String, String>();
    private final JoinedNames jdbcApis = new JoinedNames(".", 512);
    private final JoinedNames httpApis = new JoinedNames(" ", 512);
    private final UrlTargets urlTargets = new UrlTargets(1024);
    private final HeadLines headLines = new HeadLines(Protocol.TRACEPARENT, Protocol.PARENT_HEADER);
    private final PoolGauges pools = new PoolGauges();
    private final ParentHeader parentHeader;
    /** Whether the sightline-parent header is plain ASCII (the application's name is). */
    private final boolean parentHeaderAscii;
    /** Texts of request URIs and Host headers, by their bytes. */
    private final TextCache requestTexts = new TextCache(512);

    public Tracer(Settings settings, Backlog<SpanRecord> backlog, TransactionStats stats) {
        this.settings = settings;
        this.parentHeader = new ParentHeader(settings.serviceType, settings.applicationName);
        this.parentHeaderAscii = isPrintableAscii(settings.serviceType) && isPrintableAscii(settings.applicationName);
        this.backlog = backlog;
        this.stats = stats;
        this.sampler = new Sampler(settings.samplingRate, settings.samplingMaxPerSecond);
    }

    /** What the tracer needs to know from the configuration. */
    public static final class Settings {
        public String applicationName;
        public String serviceType = ServiceTypes.TOMCAT;
        public int samplingRate = 1;
        public int samplingMaxPerSecond;
        public boolean bindValues = true;
        public int maxSqlLength = 8192;
        public int maxBindValueLength = 256;
        public int maxEvents = 2000;
        public String clientIpHeader;
    }

    /** The span in progress on this thread, or null. */
    public SpanRecord currentSpan() {
        return state().span;
    }

    // ------------------------------------------------------------------ server entry

    @Override
    public Object serverEnter(String serviceType, String method, String uri, String host, String scheme,
                              String clientIp, String traceparent, String sightlineParent, String parentApplication,
                              String parentServiceType, String parentSpan) {
        ThreadState ts = state();
        if (ts.span != null) {
            return null; // already in a transaction on this thread (a nested container entry)
        }
        long nanos = System.nanoTime();
        long micros = clock.micros(nanos);
        TraceParent parent = TraceParent.parse(traceparent);
        byte[] traceId;
        long spanId;
        long parentSpanId;
        boolean sampled;
        String parentApp = null;
        String parentType = null;
        if (parent != null) {
            traceId = parent.traceId;
            sampled = parent.sampled;
            long callerSpan;
            if (sightlineParent != null) {
                parentApp = ParentHeader.application(sightlineParent);
                callerSpan = parentApp == null ? 0 : ParentHeader.span(sightlineParent);
                parentType = parentApp == null ? null : ParentHeader.serviceType(sightlineParent);
            } else {
                // an agent from before sightline-parent: the same three fields, one header each
                parentApp = emptyToNull(parentApplication);
                callerSpan = parentApp == null || parentSpan == null ? 0 : TraceIds.parseSpanId(parentSpan, 0);
                parentType = parentApp == null ? null : emptyToNull(parentServiceType);
            }
            if (callerSpan != 0) {
                // a Sightline caller chose our span id (its event's next_span_id) and told us its own
                spanId = parent.spanId;
                parentSpanId = callerSpan;
            } else {
                // any other W3C caller: traceparent's parent id is the caller's span
                spanId = Ids.newSpanId();
                parentSpanId = parent.spanId;
            }
        } else {
            traceId = Ids.newTraceId();
            spanId = Ids.newSpanId();
            parentSpanId = 0;
            sampled = sampler.sampleNew(micros / 1000);
        }
        Thread thread = Thread.currentThread();
        SpanRecord span = new SpanRecord(traceId, spanId, parentSpanId, sampled, micros, nanos,
                serviceType, method, pathOnly(uri), firstAddress(clientIp), endpoint(host, scheme),
                parentApp, parentType, thread.getName(), settings.maxEvents);
        span.tracerState = ts;
        ts.span = span;
        ts.reset(null, null);
        TransactionStats.Slot slot = ts.statsSlot;
        if (slot == null) {
            slot = stats.slot(thread);
            ts.statsSlot = slot;
        }
        stats.started(slot, span);
        return span;
    }

    /** The last Host header and scheme seen, with their endpoint: {host, scheme, endpoint}. */
    private volatile String[] lastEndpoint = new String[3];

    /**
     * {@link UrlParts#endpoint}, remembered for the last Host header: a header without a port
     * (the usual case behind port 80 or 443) would otherwise cost a concatenation per request,
     * and one with a port a trim and a lower-casing. Remembered whatever the endpoint is, the
     * header itself included (a Host header with a port in lower case is its own endpoint).
     */
    private String endpoint(String host, String scheme) {
        String[] last = lastEndpoint;
        if (host != null && host.equals(last[0]) && scheme != null && scheme.equals(last[1])) {
            return last[2];
        }
        String endpoint = UrlParts.endpoint(host, scheme);
        if (host != null && scheme != null) {
            lastEndpoint = new String[] {host, scheme, endpoint};
        }
        return endpoint;
    }

    @Override
    public String cachedText(byte[] bytes, int start, int end, java.nio.charset.Charset charset) {
        return requestTexts.text(bytes, start, end, charset);
    }

    @Override
    public String clientIpHeader() {
        return settings.clientIpHeader;
    }

    @Override
    public void serverDetach(Object scope) {
        ThreadState ts = state();
        if (scope instanceof SpanRecord && ts.span == scope) {
            ts.span = null;
            ts.reset(null, null);
            if (ts.statsSlot != null) {
                stats.detached(ts.statsSlot, (SpanRecord) scope);
            }
        }
    }

    @Override
    public void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
        if (!(scope instanceof SpanRecord)) {
            return;
        }
        SpanRecord span = (SpanRecord) scope;
        // the thread that began the span has its state at hand there (one thread-local lookup less)
        ThreadState ts = span.isOwnThread() && span.tracerState instanceof ThreadState
                ? (ThreadState) span.tracerState : state();
        if (ts.span == span) {
            ts.span = null;
            ts.reset(null, null);
        }
        endSpan(ts, span, status, thrown, uriTemplate);
    }

    /**
     * Ends a span (possibly on another thread than the one that began it, for async requests);
     * {@code ts}: the state of the thread calling.
     */
    private void endSpan(ThreadState ts, SpanRecord span, int status, Throwable thrown, String uriTemplate) {
        span.status = status;
        span.uriTemplate = emptyToNull(uriTemplate);
        if (thrown != null) {
            span.exception = ExceptionRecord.of(thrown, MAX_FRAMES);
        }
        span.error = status >= 500 || thrown != null;
        if (!span.finish(System.nanoTime())) {
            return;
        }
        TransactionStats.Slot slot = ts.statsSlot;
        if (slot == null) {
            slot = stats.slot(Thread.currentThread());
            ts.statsSlot = slot;
        }
        stats.finished(slot, span, span.elapsed);
        if (span.sampled) {
            backlog.offer(span);
        }
    }

    // ------------------------------------------------------------------ HTTP clients

    /**
     * One outgoing HTTP request: its event and whether its headers were set. It stays in the weak
     * map of requests until its plugin ends it by key ({@link #httpClientEnd}: HttpURLConnection's
     * does once the connection holds its response or failure, and from then on skips the tracer
     * itself) or else until the request object dies (a later getInputStream on the same
     * connection must find it done, not start a second event), so once done it lets go of the
     * span, the event and the headers: the map would otherwise keep the whole span alive until
     * the collection after the request died, and every young collection would copy the spans of
     * all the calls made since the previous one. Guarded by this.
     */
    static final class ClientCall {
        private SpanRecord span;
        private EventRecord event;
        private String[] headers;
        /** The trace headers as the lines written with the request's head, when {@link #printed}. */
        private byte[] lines;
        private boolean headersDone;
        private boolean done;
        /**
         * The headers are written with the request's head ({@link #printHeadLines}) rather than
         * handed to the library: HttpURLConnection's, when they and the request line are plain ASCII.
         */
        private final boolean printed;

        ClientCall(SpanRecord span, EventRecord event, String[] headers) {
            this(span, event, headers, false);
        }

        ClientCall(SpanRecord span, EventRecord event, String[] headers, boolean printed) {
            this.span = span;
            this.event = event;
            this.headers = headers;
            this.printed = printed && headers != null;
        }

        /** A call whose trace headers are written with the request's head, as {@code lines}. */
        ClientCall(SpanRecord span, EventRecord event, byte[] lines) {
            this.span = span;
            this.event = event;
            this.lines = lines;
            this.printed = lines != null;
        }

        /** The call's span; null once the call is over. */
        synchronized SpanRecord span() {
            return span;
        }

        /** The headers to send, once, while the call is not over; else null. */
        synchronized String[] takeHeaders() {
            if (headersDone || done || printed) {
                return null;
            }
            headersDone = true;
            return headers;
        }

        /** The header lines to write with a head of the request (each time it is printed) while the call is not over. */
        synchronized byte[] linesToPrint() {
            return printed && !done ? lines : null;
        }

        synchronized void headersPrinted() {
            headersDone = true;
        }

        /**
         * Ends the call's event the first time (with the response's status, 0 when none came,
         * or what was thrown), and drops what the call held.
         */
        synchronized void finish(int status, Throwable thrown) {
            if (done) {
                return;
            }
            done = true;
            SpanRecord s = span;
            EventRecord e = event;
            span = null;
            event = null;
            headers = null;
            lines = null;
            if (e == null) {
                return;
            }
            if (status > 0) {
                // a response arrived: its status decides; an exception that only reports the
                // status (FileNotFoundException for a 404) is not recorded
                e.status = status;
                e.error = status >= 500;
                if (thrown != null && e.error) {
                    e.exception = ExceptionRecord.of(thrown, MAX_FRAMES);
                }
            } else if (thrown != null) {
                e.error = true;
                e.exception = ExceptionRecord.of(thrown, MAX_FRAMES);
            }
            if (!headersDone) {
                e.nextSpanId = 0; // nothing went downstream
            }
            s.endEvent(e, System.nanoTime());
        }

        synchronized boolean isDone() {
            return done;
        }
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, String url, boolean alreadySent) {
        return enterClientCall(request, library, method, url, alreadySent);
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, java.net.URL url, boolean alreadySent) {
        return enterClientCall(request, library, method, url, alreadySent);
    }

    /** {@code url}: its text, or a java.net.URL, which is only read when a new event is recorded. */
    private Object enterClientCall(Object request, String library, String method, Object url, boolean alreadySent) {
        ThreadState ts = state();
        SpanRecord span = ts.span;
        if (span == null || request == null || span.isFinished()) {
            return null; // nothing to record on a transaction that is over
        }
        if (ts.clientDepth++ > 0) {
            return NESTED;
        }
        ClientCall call = clientCalls.get(request);
        if (call == null) {
            call = startClientCall(ts, span, library, method, url, alreadySent);
            if (!clientCalls.put(request, call)) {
                AgentLog.debug("too many HTTP requests in flight; not tracking one");
            }
        }
        ts.clientCall = call; // the heads printed until its exit are this call's
        return call;
    }

    private ClientCall startClientCall(ThreadState ts, SpanRecord span, String library, String method, Object url,
                                       boolean alreadySent) {
        long nextSpanId = Ids.newSpanId();
        EventRecord event = null;
        if (span.sampled) {
            event = begin(ts, span, System.nanoTime());
        }
        if (event != null) {
            event.serviceType = ServiceTypes.HTTP_CLIENT;
            event.api = httpApis.get(String.valueOf(library), method == null ? "GET" : method);
            String[] target = url instanceof java.net.URL ? urlTargets.of((java.net.URL) url) : urlTargets.of((String) url);
            event.destination = target[0];
            event.argument = target[1];
            event.nextSpanId = nextSpanId;
            event.threadName = threadNameIfOther(span);
        }
        if (event != null && alreadySent) {
            event.nextSpanId = 0; // nothing went downstream
        }
        // HttpURLConnection: the headers go out as the head is printed (see printHeadLines), when
        // everything written there is plain ASCII; else through setRequestProperty, as for others
        boolean printed = !alreadySent && parentHeaderAscii && parentHeader.isLatin1() && HTTP_URL_CONNECTION.equals(library)
                && url instanceof java.net.URL && asciiRequestTarget((java.net.URL) url);
        if (printed) {
            return new ClientCall(span, event, headerLines(span, nextSpanId));
        }
        String[] headers = alreadySent ? null : new String[] {
                Protocol.TRACEPARENT, TraceParent.format(span.traceId, nextSpanId, span.sampled),
                Protocol.PARENT_HEADER, span.parentHeader(parentHeader)};
        return new ClientCall(span, event, headers, false);
    }

    private static final byte[] TRACEPARENT_PREFIX = (Protocol.TRACEPARENT + ": ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] PARENT_PREFIX = (Protocol.PARENT_HEADER + ": ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /**
     * The two trace headers as the lines of a request head ({@code "traceparent: ...\r\n"} and
     * {@code "sightline-parent: ...\r\n"}), the same bytes the JDK would print for them as request
     * properties, written straight from the ids: no String per header. Only when the application
     * name and service type are printable ASCII ({@link #parentHeaderAscii}).
     */
    private byte[] headerLines(SpanRecord span, long nextSpanId) {
        byte[] b = new byte[TRACEPARENT_PREFIX.length + TraceParent.LENGTH + 2 + PARENT_PREFIX.length
                + parentHeader.length() + 2];
        System.arraycopy(TRACEPARENT_PREFIX, 0, b, 0, TRACEPARENT_PREFIX.length);
        int at = TRACEPARENT_PREFIX.length;
        TraceParent.write(b, at, span.traceId, nextSpanId, span.sampled);
        at += TraceParent.LENGTH;
        b[at++] = '\r';
        b[at++] = '\n';
        System.arraycopy(PARENT_PREFIX, 0, b, at, PARENT_PREFIX.length);
        at += PARENT_PREFIX.length;
        parentHeader.write(b, at, span.spanId);
        at += parentHeader.length();
        b[at++] = '\r';
        b[at] = '\n';
        return b;
    }

    @Override
    public String[] outgoingHeaders(Object scope) {
        if (!(scope instanceof ClientCall)) {
            return null;
        }
        return ((ClientCall) scope).takeHeaders();
    }

    @Override
    public void httpClientExit(Object scope, int status, Throwable thrown, boolean completes) {
        ThreadState ts = state();
        if (ts.clientDepth > 0) {
            ts.clientDepth--;
        }
        if (ts.clientDepth == 0) {
            ts.clientCall = null;
        }
        if (!(scope instanceof ClientCall)) {
            return;
        }
        if (!completes && thrown == null) {
            return;
        }
        finishClientCall((ClientCall) scope, status, thrown);
    }

    /** The library name HttpURLConnection's plugin reports. */
    static final String HTTP_URL_CONNECTION = "HttpURLConnection";

    /** Whether a request line for {@code url} is plain ASCII (its host and file are). */
    static boolean asciiRequestTarget(java.net.URL url) {
        return isPrintableAscii(url.getHost()) && isPrintableAscii(url.getFile());
    }

    static boolean isPrintableAscii(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /**
     * HttpURLConnection prints a request's head: the call in progress on this thread writes its
     * headers there (with the request line), or else, for a head that holds the agent's headers
     * as request properties, its first lines are written as bytes ({@link HeadLines}).
     */
    @Override
    public int printHeadLines(Object lock, String[] keys, String[] values, int count, java.io.PrintStream out) {
        ThreadState ts = state();
        ClientCall call = ts.clientCall;
        byte[] lines = call == null ? null : call.linesToPrint();
        if (lines != null) {
            int taken = headLines.inject(ts.head, lock, keys, values, count, out, lines);
            if (taken > 0) {
                call.headersPrinted();
                return taken;
            }
        }
        return headLines.take(ts.head, lock, keys, values, count, out);
    }

    @Override
    public void restoreHeadLines(Object lock, String[] keys, int taken) {
        headLines.restore(state().head, lock, keys, taken);
    }

    @Override
    public void httpClientBind(Object scope, Object key) {
        if (scope instanceof ClientCall) {
            clientCalls.put(key, (ClientCall) scope);
        }
    }

    @Override
    public void httpClientEnd(Object key, int status, Throwable thrown) {
        ClientCall call = clientCalls.remove(key);
        if (call != null) {
            finishClientCall(call, status, thrown);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object httpClientFuture(Object scope, Object future) {
        if (!(scope instanceof ClientCall) || !(future instanceof CompletableFuture)) {
            return future;
        }
        return AsyncCalls.relay(this, (ClientCall) scope, (CompletableFuture<Object>) future);
    }

    @Override
    public Object httpClientCallback(Object scope, Object callback, Class<?> callbackType) {
        if (!(scope instanceof ClientCall) || !callbackType.isInterface()
                || (callback != null && !callbackType.isInstance(callback))) {
            return callback;
        }
        return AsyncCalls.callback(this, (ClientCall) scope, callback, callbackType);
    }

    /** An asynchronous call got its response (a library object) or failed. */
    void completeClientCall(ClientCall call, Object response, Throwable thrown) {
        finishClientCall(call, ResponseStatus.of(response), thrown);
    }

    private void finishClientCall(ClientCall call, int status, Throwable thrown) {
        call.finish(status, thrown);
    }

    // ------------------------------------------------------------------ JDBC

    /** What we know of a statement: its SQL and current parameters. */
    static final class StatementState {
        final String sql;
        /** Texts, nulls and values kept as bound ({@link BindValues#capture}), by position; null until the first bind. */
        Object[] binds;
        /** Positions bound so far (the highest index). */
        int bindCount;
        /**
         * True once an event holds {@link #binds} (handed over without a copy): the next bind or
         * clear works on a copy, so the event keeps the values it ran with.
         */
        boolean bindsShared;
        boolean bindsCut;
        int batched;
        List<String> batchSql;
        /** Bind values of the first batched rows, flattened (at most MAX_BATCH_ROWS rows). */
        List<Object> batchBinds;
        boolean batchBindsCut;

        StatementState(String sql) {
            this.sql = sql;
        }
    }

    /**
     * A closed statement is never executed again: its state goes now (from the weak map, rather
     * than at the collection after the statement dies, when it would be copied once more; from
     * the slot, so that a statement pooled by its driver does not keep it). A statement pooled
     * by its driver is prepared again, and gets a new state, before its next use.
     */
    @Override
    public void jdbcClosed(Object statement) {
        statements.remove(statement);
    }

    @Override
    public void jdbcPrepared(Object statement, String sql) {
        if (statement != null && sql != null) {
            statements.put(statement, new StatementState(sql));
        }
    }

    @Override
    public void jdbcBind(Object statement, int index, Object value) {
        if (!settings.bindValues || index < 1 || index > 10_000 || state().span == null) {
            return;
        }
        StatementState st = statements.get(statement);
        if (st == null) {
            return;
        }
        // immutable values are kept as they are and become text on the sender's thread
        Object kept = BindValues.capture(value, settings.maxBindValueLength);
        synchronized (st) {
            if (st.binds == null || st.binds.length < index || st.bindsShared) {
                int length = Math.max(index, st.binds == null ? 4 : st.binds.length);
                st.binds = Arrays.copyOf(st.binds == null ? NO_BINDS : st.binds, Math.max(length, 4));
                st.bindsShared = false;
            }
            st.bindCount = Math.max(st.bindCount, index);
            if (kept instanceof String && ((String) kept).length() > settings.maxBindValueLength) {
                kept = BindValues.cut((String) kept, settings.maxBindValueLength);
                st.bindsCut = true;
            }
            st.binds[index - 1] = kept;
        }
    }

    @Override
    public void jdbcClearParameters(Object statement) {
        StatementState st = statements.get(statement);
        if (st != null) {
            synchronized (st) {
                if (st.bindsShared) {
                    st.binds = null; // an event holds them
                    st.bindsShared = false;
                } else if (st.binds != null) {
                    Arrays.fill(st.binds, null);
                }
                st.bindCount = 0;
                st.bindsCut = false;
            }
        }
    }

    @Override
    public void jdbcAddBatch(Object statement, String sql) {
        if (state().span == null) {
            return;
        }
        StatementState st = statements.get(statement);
        if (st == null) {
            st = new StatementState(null);
            statements.put(statement, st);
        }
        synchronized (st) {
            st.batched++;
            if (sql != null) {
                if (st.batchSql == null) {
                    st.batchSql = new ArrayList<String>();
                }
                if (st.batchSql.size() < MAX_BATCH_SQL) {
                    st.batchSql.add(sql);
                }
            } else if (settings.bindValues) {
                if (st.batchBinds == null) {
                    st.batchBinds = new ArrayList<Object>();
                }
                if (st.batched <= MAX_BATCH_ROWS && st.batchBinds.size() + st.bindCount <= MAX_BATCH_VALUES) {
                    for (int i = 0; i < st.bindCount; i++) {
                        st.batchBinds.add(st.binds[i]);
                    }
                    st.batchBindsCut |= st.bindsCut;
                } else {
                    st.batchBindsCut = true;
                }
            }
        }
    }

    @Override
    public Object jdbcPrepareEnter() {
        ThreadState ts = state();
        if (ts.span == null) {
            return null;
        }
        ts.jdbcDepth++; // what the driver runs while preparing counts as nested
        return NESTED;
    }

    @Override
    public Object jdbcEnter(Object statement, String method, String sql) {
        ThreadState ts = state();
        SpanRecord span = ts.span;
        if (span == null) {
            return null;
        }
        if (++ts.jdbcDepth > 1 || !span.sampled) {
            return NESTED;
        }
        EventRecord e = begin(ts, span, System.nanoTime());
        if (e == null) {
            return NESTED;
        }
        // the event itself is the scope (it knows its span and the parent row it replaced)
        e.span = span;
        e.outer = ts.parent;
        ts.parent = e; // what the driver does inside the call nests under it
        try {
            describeJdbc(e, span, statement, method, sql);
        } catch (Throwable t) {
            AgentLog.debug("jdbc describe failed: " + t);
        }
        return e;
    }

    private void describeJdbc(EventRecord e, SpanRecord span, Object statement, String method, String sql) throws Exception {
        StatementState st = statements.get(statement);
        boolean prepared = sql == null && statement instanceof PreparedStatement;
        String kind = statement instanceof CallableStatement ? "CallableStatement"
                : prepared ? "PreparedStatement" : "Statement";
        e.api = jdbcApis.get(kind, String.valueOf(method));
        e.threadName = threadNameIfOther(span);
        JdbcUrls.DbInfo db = null;
        if (statement instanceof Statement) {
            Connection c = ((Statement) statement).getConnection();
            if (c != null) {
                db = connections.get(c);
                if (db == null) {
                    db = JdbcUrls.describe(c.getMetaData().getURL(), c.getClass().getName());
                    connections.put(c, db);
                }
            }
        }
        e.serviceType = db == null ? "JDBC" : db.serviceType;
        e.destination = db == null ? null : db.destination;
        String text = sql;
        if (text == null && st != null) {
            text = st.sql;
        }
        boolean batch = "executeBatch".equals(method) || "executeLargeBatch".equals(method);
        if (batch && st != null) {
            synchronized (st) {
                if (text == null && st.batchSql != null && !st.batchSql.isEmpty()) {
                    text = batchText(st.batchSql, "MYSQL".equals(e.serviceType) || "MARIADB".equals(e.serviceType));
                }
                e.argument = "batch of " + st.batched;
                if (prepared && st.batchBinds != null && !st.batchBinds.isEmpty()) {
                    e.bindValues = new BindList(st.batchBinds.toArray());
                    e.truncated |= st.batchBindsCut;
                }
                st.batched = 0;
                st.batchSql = null;
                st.batchBinds = null;
                st.batchBindsCut = false;
            }
        }
        if (text != null) {
            boolean mysqlQuotes = "MYSQL".equals(e.serviceType) || "MARIADB".equals(e.serviceType);
            String normalized = normalize(text, mysqlQuotes);
            if (normalized.length() > settings.maxSqlLength) {
                normalized = BindValues.cut(normalized, settings.maxSqlLength);
                e.truncated = true;
            }
            e.sql = normalized;
        }
        // a batch's values are its rows' (above), not the last row's
        if (prepared && st != null && settings.bindValues && !batch) {
            synchronized (st) {
                if (st.bindCount > 0) {
                    // handed over as they are: the usual prepare, bind, execute, close copies nothing
                    e.bindValues = new BindList(st.binds, st.bindCount);
                    st.bindsShared = true;
                    e.truncated |= st.bindsCut;
                }
            }
        }
    }

    /**
     * The SQL of a Statement batch: its normalised statements in order, each distinct one once
     * (statements differing only by literals are one), joined by "; ".
     */
    private String batchText(List<String> statements, boolean mysqlQuotes) {
        java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<String>();
        for (String s : statements) {
            distinct.add(normalize(s, mysqlQuotes));
        }
        StringBuilder b = new StringBuilder();
        for (String s : distinct) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(s);
        }
        return b.toString();
    }

    private String normalize(String sql, boolean mysqlQuotes) {
        ConcurrentHashMap<String, String> cache = mysqlQuotes ? mysqlSqlCache : sqlCache;
        String cached = cache.get(sql);
        if (cached != null) {
            return cached;
        }
        String n = SqlNormalizer.normalize(sql, mysqlQuotes);
        if (cache.size() > 5000) {
            cache.clear();
        }
        if (sql.length() < 20_000) {
            cache.put(sql, n);
        }
        return n;
    }

    @Override
    public void jdbcExit(Object scope, Throwable thrown) {
        ThreadState ts = state();
        if (ts.jdbcDepth > 0) {
            ts.jdbcDepth--;
        }
        if (!(scope instanceof EventRecord)) {
            return;
        }
        EventRecord event = (EventRecord) scope;
        if (thrown != null) {
            event.error = true;
            event.exception = ExceptionRecord.of(thrown, MAX_FRAMES);
        }
        if (ts.parent == event) {
            ts.parent = event.outer;
        }
        event.outer = null;
        SpanRecord span = event.span;
        if (span != null) {
            event.span = null;
            span.endEvent(event, System.nanoTime());
        }
    }

    // ------------------------------------------------------------------ context across threads

    /**
     * What the tracer keeps for one thread: its transaction, where its next event goes (under its
     * open call, else its task's row, else the entry row), and how deep it is in client and JDBC
     * calls (calls inside a recorded one are the library's own). Used by its thread only.
     */
    static final class ThreadState {
        SpanRecord span;
        EventRecord parent;
        AsyncRow async;
        int clientDepth;
        int jdbcDepth;
        /** This thread's requests in progress and finished, once it has served or ended one. */
        TransactionStats.Slot statsSlot;
        /** The outermost HTTP client call in progress on this thread. */
        ClientCall clientCall;
        /** HttpURLConnection's request head being printed (its buffer made at the first one). */
        final HeadLines.Work head = new HeadLines.Work();
        /** The tracer whose state this is. */
        final Tracer owner;

        ThreadState(Tracer owner) {
            this.owner = owner;
        }

        void reset(EventRecord parent, AsyncRow async) {
            this.parent = parent;
            this.async = async;
        }
    }

    /**
     * The row of one task run on another thread for a transaction. It is begun only when the task
     * records something (so idle hand-offs leave no row), under the row that was open where the
     * task was created; a task created by a task nests under that task's row.
     */
    static final class AsyncRow {
        final SpanRecord span;
        final EventRecord under;
        final AsyncRow outer;
        final long startNanos;
        final String api;
        final String threadName;
        private boolean tried;
        private EventRecord row;

        AsyncRow(SpanRecord span, EventRecord under, AsyncRow outer, long startNanos, String api, String threadName) {
            this.span = span;
            this.under = under;
            this.outer = outer;
            this.startNanos = startNanos;
            this.api = api;
            this.threadName = threadName;
        }

        synchronized EventRecord materialize() {
            if (!tried) {
                tried = true;
                EventRecord parent = under != null ? under : outer != null ? outer.materialize() : null;
                if (parent != null || (under == null && outer == null)) {
                    row = span.beginEvent(startNanos, parent);
                }
                if (row != null) {
                    row.serviceType = ServiceTypes.ASYNC;
                    row.api = api;
                    row.threadName = threadName;
                }
            }
            return row;
        }

        synchronized EventRecord begun() {
            return row;
        }
    }

    /** What a task carries from the thread that created it. */
    static final class Captured {
        final SpanRecord span;
        final EventRecord under;
        final AsyncRow outer;

        Captured(SpanRecord span, EventRecord under, AsyncRow outer) {
            this.span = span;
            this.under = under;
            this.outer = outer;
        }
    }

    /** What a thread had before a task's context was attached. */
    static final class ContextToken {
        final AsyncRow attached;
        final SpanRecord previous;
        final EventRecord previousParent;
        final AsyncRow previousAsync;
        /** The attaching thread and its state: closed there, no thread-local lookup is needed. */
        final Thread thread = Thread.currentThread();
        final ThreadState state;

        ContextToken(AsyncRow attached, SpanRecord previous, EventRecord previousParent, AsyncRow previousAsync,
                     ThreadState state) {
            this.attached = attached;
            this.previous = previous;
            this.previousParent = previousParent;
            this.previousAsync = previousAsync;
            this.state = state;
        }
    }

    /** Begins an event of {@code span} on this thread, at its place in the call tree. */
    private EventRecord begin(ThreadState ts, SpanRecord span, long nowNanos) {
        EventRecord parent = ts.parent;
        if (parent == null && ts.async != null && ts.async.span == span) {
            parent = ts.async.materialize();
        }
        return span.beginEvent(nowNanos, parent);
    }

    @Override
    public void contextCapture(Object task) {
        ThreadState ts = state();
        SpanRecord span = ts.span;
        // sampled-out transactions travel too, so that calls made by their tasks say so downstream;
        // tasks created while a client library runs a call on this thread are the library's
        // own (selector, dispatcher, IO reactor work): they don't belong to the transaction
        if (span != null && task != null && !span.isFinished() && ts.clientDepth == 0) {
            tasks.put(task, new Captured(span, ts.parent, ts.async));
        }
    }

    @Override
    public Object contextAttach(Object task) {
        Captured c = task == null ? null : tasks.remove(task);
        if (c == null || c.span.isFinished()) {
            return null; // a task that starts after its transaction ended belongs to nothing
        }
        ThreadState ts = state();
        SpanRecord previous = ts.span;
        if (previous == c.span) {
            return null; // run on the capturing thread itself (e.g. caller-runs)
        }
        AsyncRow row = c.span.sampled
                ? new AsyncRow(c.span, c.under, c.outer, System.nanoTime(), asyncApi(task.getClass()),
                Thread.currentThread().getName())
                : null;
        ContextToken token = new ContextToken(row, previous, ts.parent, ts.async, ts);
        ts.span = c.span;
        ts.reset(null, row);
        return token;
    }

    /**
     * Makes {@code span} current on this thread until {@link #contextClose}, at the top of its
     * call tree (an HTTP client's callback or continuation); null (nothing to close) when it is
     * already current or already over.
     */
    Object attachSpan(SpanRecord span) {
        if (span == null || span.isFinished()) {
            return null;
        }
        ThreadState ts = state();
        SpanRecord previous = ts.span;
        if (previous == span) {
            return null;
        }
        ContextToken token = new ContextToken(null, previous, ts.parent, ts.async, ts);
        ts.span = span;
        ts.reset(null, null);
        return token;
    }

    @Override
    public void contextClose(Object token) {
        if (!(token instanceof ContextToken)) {
            return;
        }
        ContextToken t = (ContextToken) token;
        if (t.attached != null) {
            EventRecord row = t.attached.begun();
            if (row != null) {
                t.attached.span.endEvent(row, System.nanoTime());
            }
        }
        ThreadState ts = t.thread == Thread.currentThread() ? t.state : state();
        ts.span = t.previous;
        ts.reset(t.previousParent, t.previousAsync);
    }

    @Override
    public boolean shouldCarryContext(Runnable task) {
        ThreadState ts = state();
        SpanRecord span = ts.span;
        return span != null && !span.isFinished() && ts.clientDepth == 0
                && !isLibraryInternal(task.getClass().getName());
    }

    /**
     * Tasks that HTTP clients, servers and RPC libraries queue for their own machinery (selector
     * loops, connection pools, dispatchers) belong to no transaction: what they do is recorded by
     * the client's own plugin, on the caller's transaction.
     */
    static boolean isLibraryInternal(String className) {
        return className.startsWith("jdk.internal.") || className.startsWith("sun.")
                || className.startsWith("okhttp3.") || className.startsWith("org.apache.hc.")
                || className.startsWith("org.apache.http.") || className.startsWith("io.netty.")
                || className.startsWith("io.grpc.") || className.startsWith("org.apache.tomcat.")
                || className.startsWith("org.apache.catalina.") || className.startsWith("org.apache.coyote.");
    }

    /** The api of a task's row, {@code "Async " + taskName}, made once per task class. */
    /**
     * The api of a task's row by its class: the last few task classes by identity (weakly held,
     * so a web application's classes can still be unloaded) before the ClassValue, whose lookup
     * showed as 0.5 us per request in a profile of a request with one task.
     */
    String asyncApi(Class<?> type) {
        int i = System.identityHashCode(type) & (RECENT_TASK_TYPES - 1);
        TaskApi recent = recentTaskApis[i];
        if (recent != null && recent.type.get() == type) {
            return recent.api;
        }
        String api = ASYNC_APIS.get(type);
        recentTaskApis[i] = new TaskApi(type, api);
        return api;
    }

    private static final int RECENT_TASK_TYPES = 8;
    private final TaskApi[] recentTaskApis = new TaskApi[RECENT_TASK_TYPES];

    /** A task class and its row's api, replaced whole (final fields: safe to read through a race). */
    private static final class TaskApi {
        final java.lang.ref.WeakReference<Class<?>> type;
        final String api;

        TaskApi(Class<?> type, String api) {
            this.type = new java.lang.ref.WeakReference<Class<?>>(type);
            this.api = api;
        }
    }

    private static final ClassValue<String> ASYNC_APIS = new ClassValue<String>() {
        @Override
        protected String computeValue(Class<?> type) {
            return "Async " + taskName(type);
        }
    };

    /**
     * A short stable name for a task's row: its class without package or outer class; a lambda
     * (or the agent's own wrapper) is a "Runnable", its class name being neither short nor stable.
     */
    static String taskName(Object task) {
        return taskName(task.getClass());
    }

    static String taskName(Class<?> type) {
        String n = type.getName();
        if (n.startsWith("io.sightline.agent.bridge.") || n.contains("$$Lambda")) {
            return "Runnable";
        }
        int cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf('$'));
        return n.substring(cut + 1);
    }

    // ------------------------------------------------------------------ helpers

    private static String threadNameIfOther(SpanRecord span) {
        return span == null || span.isOwnThread() ? null : Thread.currentThread().getName();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static String pathOnly(String uri) {
        if (uri == null) {
            return null;
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** The first address of a forwarded-for list (or the peer address as is). */
    static String firstAddress(String value) {
        if (value == null) {
            return null;
        }
        int comma = value.indexOf(',');
        String first = (comma < 0 ? value : value.substring(0, comma)).trim();
        return first.isEmpty() ? null : first;
    }

    // ------------------------------------------------------------------ connection pools

    /** The pools registered through the bridge, sampled with the JVM stats. */
    public PoolGauges pools() {
        return pools;
    }

    @Override
    public void poolRegister(Object pool, String library, String name, Object config) {
        pools.register(pool, library, name, config);
    }

    @Override
    public void poolUnregister(Object pool) {
        pools.unregister(pool);
    }
}
