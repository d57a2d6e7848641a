package io.sightline.agent.core;

import java.util.concurrent.atomic.AtomicLongArray;

import io.sightline.agent.bridge.BridgeHandler;

/**
 * Benchmark hook ({@code -Dsightline.test.selfTiming=true}, never set in production): times the
 * agent's own work per request. Every call from advice goes through here; the time spent inside
 * the handler is added up per thread, from a request's server entry to its exit on the thread that
 * began it, and from a task's attach to its close on the thread running it, and each total goes
 * into a histogram ({@link #take}). It answers what the whole-application figures cannot on a
 * noisy machine: how the agent's own time per request is distributed, its tail included.
 *
 * <p>Not counted: the advice's own instructions in the application's methods, the bridge's
 * thread-local for pool tasks, the sender's threads, and what the agent costs the application
 * indirectly (caches, GC). The two clock reads per call (about 40-50 ns) are counted.
 */
public final class SelfTimingHandler extends BridgeHandler implements SelfTiming {
    /** Where the bench reads it: the platform MBean server, operation {@code take}. */
    public static final String OBJECT_NAME = "io.sightline.agent:type=SelfTiming";

    /** A handler timing {@code delegate}, registered as {@link #OBJECT_NAME} (when JMX allows). */
    static SelfTimingHandler registered(BridgeHandler delegate) {
        SelfTimingHandler h = new SelfTimingHandler(delegate);
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new javax.management.StandardMBean(h, SelfTiming.class), new javax.management.ObjectName(OBJECT_NAME));
        } catch (Exception e) {
            io.sightline.agent.core.log.AgentLog.warn("self timing not registered: " + e);
        }
        return h;
    }

    private final BridgeHandler delegate;
    /** Per thread: {nanos spent in the handler so far, whether a request or task is being timed}. */
    private final ThreadLocal<long[]> spent = new ThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[2];
        }
    };
    /** The scope or token whose time is being added up on each thread. */
    private final ThreadLocal<Object[]> timed = new ThreadLocal<Object[]>() {
        @Override
        protected Object[] initialValue() {
            return new Object[1];
        }
    };
    final Histogram requests = new Histogram();
    final Histogram tasks = new Histogram();

    /** Nanoseconds: System.nanoTime, or a test's clock. */
    private final java.util.function.LongSupplier clock;

    public SelfTimingHandler(BridgeHandler delegate) {
        this(delegate, new java.util.function.LongSupplier() {
            @Override
            public long getAsLong() {
                return System.nanoTime();
            }
        });
    }

    SelfTimingHandler(BridgeHandler delegate, java.util.function.LongSupplier clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /**
     * "requests: count p50 p90 p99 p99.9 max | tasks: ..." (us, two decimals) since the last take,
     * and starts afresh.
     */
    @Override
    public String take() {
        return "requests: " + requests.take() + " | tasks: " + tasks.take();
    }

    private void add(long t0) {
        long[] s = spent.get();
        s[0] += clock.getAsLong() - t0;
    }

    /** Starts timing {@code key} on this thread with {@code sinceNanos} already spent. */
    private void begin(Object key, long t0) {
        long[] s = spent.get();
        s[0] = clock.getAsLong() - t0;
        s[1] = 1;
        timed.get()[0] = key;
    }

    /** Ends timing {@code key} if this thread times it, into {@code into}. */
    private void end(Object key, long t0, Histogram into) {
        Object[] k = timed.get();
        long[] s = spent.get();
        s[0] += clock.getAsLong() - t0;
        if (k[0] == key && s[1] == 1) {
            into.record(s[0]);
            k[0] = null;
            s[1] = 0;
        }
    }

    @Override
    public Object serverEnter(String serviceType, String method, String uri, String host, String scheme, String clientIp,
                              String traceparent, String parent, String parentApplication, String parentServiceType,
                              String parentSpan) {
        long t0 = clock.getAsLong();
        Object scope = delegate.serverEnter(serviceType, method, uri, host, scheme, clientIp, traceparent, parent,
                parentApplication, parentServiceType, parentSpan);
        if (scope != null) {
            begin(scope, t0);
        } else {
            add(t0);
        }
        return scope;
    }

    @Override
    public String cachedText(byte[] bytes, int start, int end, java.nio.charset.Charset charset) {
        long t0 = clock.getAsLong();
        try {
            return delegate.cachedText(bytes, start, end, charset);
        } finally {
            add(t0);
        }
    }

    @Override
    public String clientIpHeader() {
        long t0 = clock.getAsLong();
        try {
            return delegate.clientIpHeader();
        } finally {
            add(t0);
        }
    }

    @Override
    public void serverDetach(Object scope) {
        long t0 = clock.getAsLong();
        delegate.serverDetach(scope);
        end(scope, t0, requests); // the thread's part of an async request
    }

    @Override
    public void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
        long t0 = clock.getAsLong();
        delegate.serverExit(scope, status, thrown, uriTemplate);
        end(scope, t0, requests);
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, String url, boolean alreadySent) {
        long t0 = clock.getAsLong();
        try {
            return delegate.httpClientEnter(request, library, method, url, alreadySent);
        } finally {
            add(t0);
        }
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, java.net.URL url, boolean alreadySent) {
        long t0 = clock.getAsLong();
        try {
            return delegate.httpClientEnter(request, library, method, url, alreadySent);
        } finally {
            add(t0);
        }
    }

    @Override
    public String[] outgoingHeaders(Object scope) {
        long t0 = clock.getAsLong();
        try {
            return delegate.outgoingHeaders(scope);
        } finally {
            add(t0);
        }
    }

    @Override
    public void httpClientExit(Object scope, int status, Throwable thrown, boolean completes) {
        long t0 = clock.getAsLong();
        delegate.httpClientExit(scope, status, thrown, completes);
        add(t0);
    }

    @Override
    public int printHeadLines(Object lock, String[] keys, String[] values, int count, java.io.PrintStream out) {
        long t0 = clock.getAsLong();
        try {
            return delegate.printHeadLines(lock, keys, values, count, out);
        } finally {
            add(t0);
        }
    }

    @Override
    public void restoreHeadLines(Object lock, String[] keys, int taken) {
        long t0 = clock.getAsLong();
        delegate.restoreHeadLines(lock, keys, taken);
        add(t0);
    }

    @Override
    public void httpClientBind(Object scope, Object key) {
        long t0 = clock.getAsLong();
        delegate.httpClientBind(scope, key);
        add(t0);
    }

    @Override
    public void httpClientEnd(Object key, int status, Throwable thrown) {
        long t0 = clock.getAsLong();
        delegate.httpClientEnd(key, status, thrown);
        add(t0);
    }

    @Override
    public Object httpClientFuture(Object scope, Object future) {
        long t0 = clock.getAsLong();
        try {
            return delegate.httpClientFuture(scope, future);
        } finally {
            add(t0);
        }
    }

    @Override
    public Object httpClientCallback(Object scope, Object callback, Class<?> callbackType) {
        long t0 = clock.getAsLong();
        try {
            return delegate.httpClientCallback(scope, callback, callbackType);
        } finally {
            add(t0);
        }
    }

    @Override
    public void jdbcClosed(Object statement) {
        long t0 = clock.getAsLong();
        delegate.jdbcClosed(statement);
        add(t0);
    }

    @Override
    public void jdbcPrepared(Object statement, String sql) {
        long t0 = clock.getAsLong();
        delegate.jdbcPrepared(statement, sql);
        add(t0);
    }

    @Override
    public void jdbcBind(Object statement, int index, Object value) {
        long t0 = clock.getAsLong();
        delegate.jdbcBind(statement, index, value);
        add(t0);
    }

    @Override
    public void jdbcClearParameters(Object statement) {
        long t0 = clock.getAsLong();
        delegate.jdbcClearParameters(statement);
        add(t0);
    }

    @Override
    public void jdbcAddBatch(Object statement, String sql) {
        long t0 = clock.getAsLong();
        delegate.jdbcAddBatch(statement, sql);
        add(t0);
    }

    @Override
    public Object jdbcPrepareEnter() {
        long t0 = clock.getAsLong();
        try {
            return delegate.jdbcPrepareEnter();
        } finally {
            add(t0);
        }
    }

    @Override
    public Object jdbcEnter(Object statement, String method, String sql) {
        long t0 = clock.getAsLong();
        try {
            return delegate.jdbcEnter(statement, method, sql);
        } finally {
            add(t0);
        }
    }

    @Override
    public void jdbcExit(Object scope, Throwable thrown) {
        long t0 = clock.getAsLong();
        delegate.jdbcExit(scope, thrown);
        add(t0);
    }

    @Override
    public void contextCapture(Object task) {
        long t0 = clock.getAsLong();
        delegate.contextCapture(task);
        add(t0);
    }

    @Override
    public Object contextAttach(Object task) {
        long t0 = clock.getAsLong();
        Object token = delegate.contextAttach(task);
        if (token != null && spent.get()[1] == 0) {
            begin(token, t0); // a task on a thread not already timing a request of its own
        } else {
            add(t0);
        }
        return token;
    }

    @Override
    public void contextClose(Object token) {
        long t0 = clock.getAsLong();
        delegate.contextClose(token);
        end(token, t0, tasks);
    }

    @Override
    public void poolRegister(Object pool, String library, String name, Object config) {
        delegate.poolRegister(pool, library, name, config);
    }

    @Override
    public void poolUnregister(Object pool) {
        delegate.poolUnregister(pool);
    }

    @Override
    public boolean shouldCarryContext(Runnable task) {
        long t0 = clock.getAsLong();
        try {
            return delegate.shouldCarryContext(task);
        } finally {
            add(t0);
        }
    }

    /**
     * Counts of nanosecond values in log-linear buckets: 32 per power of two (about 3% wide), up
     * to 2^36 ns (about 69 s). Recorded from any thread.
     */
    static final class Histogram {
        private static final int SUB = 32;
        private static final int SUB_BITS = 5;
        private static final int MAX_BITS = 36;
        private final AtomicLongArray counts = new AtomicLongArray((MAX_BITS - SUB_BITS + 2) * SUB);

        static int bucket(long nanos) {
            long v = Math.max(0, nanos);
            int bits = 64 - Long.numberOfLeadingZeros(v); // 0 for 0
            if (bits <= SUB_BITS) {
                return (int) v; // exact below 32 ns
            }
            if (bits > MAX_BITS) {
                v = (1L << MAX_BITS) - 1;
                bits = MAX_BITS;
            }
            int shift = bits - SUB_BITS - 1;
            return (shift + 1) * SUB + (int) ((v >>> shift) - SUB);
        }

        /** The lowest value of a bucket. */
        static long lowest(int bucket) {
            if (bucket < SUB) {
                return bucket;
            }
            int shift = bucket / SUB - 1;
            return (long) (bucket % SUB + SUB) << shift;
        }

        void record(long nanos) {
            counts.incrementAndGet(bucket(nanos));
        }

        /** "count p50 p90 p99 p99.9 max" in us since the last take (bucket floors), and starts afresh. */
        String take() {
            long[] c = new long[counts.length()];
            long n = 0;
            for (int i = 0; i < c.length; i++) {
                c[i] = counts.getAndSet(i, 0);
                n += c[i];
            }
            if (n == 0) {
                return "0 0 0 0 0 0";
            }
            double[] q = {0.5, 0.9, 0.99, 0.999};
            StringBuilder sb = new StringBuilder().append(n);
            for (double quantile : q) {
                long rank = (long) Math.ceil(quantile * n);
                long seen = 0;
                for (int i = 0; i < c.length; i++) {
                    seen += c[i];
                    if (seen >= rank) {
                        sb.append(String.format(java.util.Locale.ROOT, " %.2f", lowest(i) / 1e3));
                        break;
                    }
                }
            }
            for (int i = c.length - 1; i >= 0; i--) {
                if (c[i] > 0) {
                    sb.append(String.format(java.util.Locale.ROOT, " %.2f", lowest(i) / 1e3));
                    break;
                }
            }
            return sb.toString();
        }
    }
}
