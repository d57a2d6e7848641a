package io.sightline.bench.hotpath;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.Tracer;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;

/**
 * What the agent does on a request thread, called the way inlined advice calls it (the same
 * arguments, a real H2 PreparedStatement). Each benchmark is one whole request (server enter and
 * exit) with the named calls inside it; {@link #baseline} is the empty method to subtract.
 * Finished spans go to a small bounded backlog (oldest dropped), emptied after each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracerHotPath {
    private static final String SQL = "select name from items where id = ?";
    private static final String URL = "http://inventory.internal:8081/stock/42?from=web";

    private Tracer tracer;
    private Backlog<SpanRecord> backlog;
    private Connection connection;
    private PreparedStatement statement;
    /** The same H2 statement and connection seen through classes with the agent's slot. */
    private PreparedStatement slottedStatement;
    private int id;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "bench";
        // small: the oldest spans are dropped as a sender that keeps up would take them, so the
        // live set (and the GC's work) stays that of an application, not of a growing queue
        backlog = new Backlog<SpanRecord>(1024);
        tracer = new Tracer(s, backlog, new TransactionStats());
        connection = DriverManager.getConnection("jdbc:h2:mem:hotpath;DB_CLOSE_DELAY=-1");
        try (Statement st = connection.createStatement()) {
            st.execute("create table if not exists items(id int primary key, name varchar(50))");
        }
        statement = connection.prepareStatement(SQL);
        tracer.jdbcPrepared(statement, SQL);
        slottedStatement = WithSlot.statement(statement, WithSlot.connection(connection));
        tracer.jdbcPrepared(slottedStatement, SQL);
    }

    @TearDown(Level.Iteration)
    public void drain() {
        List<SpanRecord> out = new ArrayList<SpanRecord>();
        while (backlog.drainTo(out, 10_000) > 0) {
            out.clear();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        statement.close();
        connection.close();
    }

    @Benchmark
    public void baseline() {
        // the empty method: JMH's own cost per call
    }

    @Benchmark
    public Object serverEnterExit() {
        Object scope = enter();
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    @Benchmark
    public Object jdbcWithBinds() {
        Object scope = enter();
        jdbc(statement);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    /** As {@link #jdbcWithBinds}, the statement's and connection's state in their slots. */
    @Benchmark
    public Object jdbcWithBindsSlotted() {
        Object scope = enter();
        jdbc(slottedStatement);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    /**
     * A statement's whole life in a request: prepared (a new state), a bind, executed, closed
     * (the state dropped), as an application preparing its statement per request does.
     */
    @Benchmark
    public Object jdbcPrepareToClose() {
        Object scope = enter();
        tracer.jdbcPrepared(statement, SQL);
        jdbc(statement);
        tracer.jdbcClosed(statement);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    /** As {@link #jdbcPrepareToClose}, through the slots. */
    @Benchmark
    public Object jdbcPrepareToCloseSlotted() {
        Object scope = enter();
        tracer.jdbcPrepared(slottedStatement, SQL);
        jdbc(slottedStatement);
        tracer.jdbcClosed(slottedStatement);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    @Benchmark
    public Object httpClientWithHeaders(Blackhole bh) {
        Object scope = enter();
        http(bh);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    private final java.net.URL javaUrl = javaUrl();
    private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream(1024);
    private final java.io.PrintStream headOut = new java.io.PrintStream(head, false);
    private final Object headLock = new Object();

    private static java.net.URL javaUrl() {
        try {
            return new java.net.URL(URL);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An HttpURLConnection call as its advice makes it: the java.net.URL, and the trace headers
     * written with the request's head (printHeadLines, then restore) instead of request properties.
     */
    @Benchmark
    public Object httpUrlConnectionHead(Blackhole bh) {
        Object scope = enter();
        Object request = new Object();
        Object call = tracer.httpClientEnter(request, "HttpURLConnection", "GET", javaUrl, false);
        bh.consume(tracer.outgoingHeaders(call));
        String[] keys = {"GET /stock/42?from=web HTTP/1.1", "User-Agent", "Host", "Accept", null};
        String[] values = {null, "Java/17", "inventory.internal:8081", "*/*", null};
        head.reset();
        int taken = tracer.printHeadLines(headLock, keys, values, 4, headOut);
        tracer.restoreHeadLines(headLock, keys, taken);
        bh.consume(head.size());
        tracer.httpClientExit(call, 200, null, true);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    /** The bench application's request: two queries with a bind and one outgoing call. */
    @Benchmark
    public Object fullRequest(Blackhole bh) {
        Object scope = enter();
        jdbc();
        jdbc();
        http(bh);
        tracer.serverExit(scope, 200, null, null);
        return scope;
    }

    private Object enter() {
        return tracer.serverEnter("TOMCAT", "GET", "/work?id=" + (id++ & 63), "127.0.0.1:8080", "http",
                "127.0.0.1", null, null, null, null, null);
    }

    private void jdbc() {
        jdbc(statement);
    }

    private void jdbc(PreparedStatement ps) {
        tracer.jdbcBind(ps, 1, Integer.valueOf(id & 1023));
        Object call = tracer.jdbcEnter(ps, "executeQuery", null);
        tracer.jdbcExit(call, null);
    }

    private void http(Blackhole bh) {
        Object request = new Object();
        Object call = tracer.httpClientEnter(request, "HttpURLConnection", "GET", URL, false);
        bh.consume(tracer.outgoingHeaders(call));
        tracer.httpClientExit(call, 200, null, true);
    }
}
