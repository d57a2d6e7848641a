package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.TraceIds;

/** The tracer driven the way advice drives it, against a real H2 for the JDBC part. */
class TracerTest {
    final Backlog<SpanRecord> backlog = new Backlog<>(100);
    final TransactionStats stats = new TransactionStats();

    Tracer tracer(int maxEvents, boolean binds, int samplingRate) {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "app";
        s.maxEvents = maxEvents;
        s.bindValues = binds;
        s.samplingRate = samplingRate;
        s.maxBindValueLength = 5;
        return new Tracer(s, backlog, stats);
    }

    Object enter(Tracer t, String uri, String traceparent) {
        return t.serverEnter("TOMCAT", "GET", uri + "?q=1", "h:8080", "http", "10.0.0.9, 10.0.0.1", traceparent,
                null, "caller", "TOMCAT", null);
    }

    SpanRecord takeOne() {
        List<SpanRecord> out = new ArrayList<>();
        backlog.drainTo(out, 10);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void serverSpanFields() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        assertThat(stats.activeCount()).isEqualTo(1);
        assertThat(enter(t, "/nested", null)).isNull();
        t.serverExit(scope, 200, null, "/a/{id}");
        SpanRecord s = takeOne();
        assertThat(s.uri).isEqualTo("/a");
        assertThat(s.uriTemplate).isEqualTo("/a/{id}");
        assertThat(s.clientIp).isEqualTo("10.0.0.9");
        assertThat(s.endpoint).isEqualTo("h:8080");
        assertThat(s.parentApplication).isNull(); // no traceparent: the header is not trusted
        assertThat(s.parentSpanId).isZero();
        assertThat(s.error).isFalse();
        assertThat(stats.activeCount()).isZero();
        assertThat(t.currentSpan()).isNull();
    }

    @Test
    void anAsyncRequestStaysActiveAfterItsThreadLeavesItAndEndsOnAnother() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/async", null);
        t.serverDetach(scope);
        assertThat(t.currentSpan()).isNull();
        assertThat(stats.activeCount()).isEqualTo(1);
        assertThat(stats.activeRequests().get(0).getValue()).isSameAs(Thread.currentThread());
        t.serverExit(enter(t, "/sync", null), 200, null, null); // the thread serves another meanwhile
        assertThat(stats.activeCount()).isEqualTo(1);
        Thread completer = new Thread(() -> t.serverExit(scope, 200, null, null));
        completer.start();
        completer.join();
        assertThat(stats.activeCount()).isZero();
        assertThat(stats.takeInterval()[0]).isEqualTo(2);
        List<SpanRecord> out = new ArrayList<>();
        backlog.drainTo(out, 10);
        assertThat(out).extracting(r -> r.uri).containsExactlyInAnyOrder("/async", "/sync");
    }

    @Test
    void hostHeadersWithAPortAreTheirOwnEndpointWhenRepeatedOrAlternating() {
        Tracer t = tracer(10, true, 1);
        String[] hosts = {"h:8080", "h:8080", "Other:81", "h:8080", "h:8080", null, "h:8080"};
        String[] endpoints = new String[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            t.serverExit(t.serverEnter("TOMCAT", "GET", "/", hosts[i], "http", "10.0.0.1", null, null, null, null,
                    null), 200, null, null);
            endpoints[i] = takeOne().endpoint;
        }
        assertThat(endpoints).containsExactly("h:8080", "h:8080", "other:81", "h:8080", "h:8080", null, "h:8080");
    }

    @Test
    void theEndpointOfAHostHeaderWithoutPortIsWorkedOutOnceForRepeatedRequests() {
        Tracer t = tracer(10, true, 1);
        String[] endpoints = new String[4];
        String[] hosts = {"Shop.example", "Shop.example", "other:81", "Shop.example"};
        for (int i = 0; i < hosts.length; i++) {
            t.serverExit(t.serverEnter("TOMCAT", "GET", "/", hosts[i], "https", "10.0.0.1", null, null, null, null,
                    null), 200, null, null);
            endpoints[i] = takeOne().endpoint;
        }
        assertThat(endpoints).containsExactly("shop.example:443", "shop.example:443", "other:81", "shop.example:443");
        assertThat(endpoints[1]).isSameAs(endpoints[0]);
        t.serverExit(t.serverEnter("TOMCAT", "GET", "/", "Shop.example", "http", "10.0.0.1", null, null, null, null,
                null), 200, null, null);
        assertThat(takeOne().endpoint).isEqualTo("shop.example:80"); // the scheme counts too
        t.serverExit(t.serverEnter("TOMCAT", "GET", "/", null, "http", "10.0.0.1", null, null, null, null,
                null), 200, null, null);
        assertThat(takeOne().endpoint).isNull();
    }

    @Test
    void sampledOutUpstreamIsNotRecordedButPropagated() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        Object key = new Object();
        Object call = t.httpClientEnter(key, "Lib", "GET", "http://x:1/y", false);
        String[] headers = t.outgoingHeaders(call);
        assertThat(headers[1]).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-00");
        t.httpClientExit(call, 200, null, true);
        t.serverExit(scope, 200, null, null);
        assertThat(backlog.size()).isZero();
    }

    @Test
    void oneInNSampling() {
        Tracer t = tracer(10, true, 3);
        for (int i = 0; i < 9; i++) {
            t.serverExit(enter(t, "/s", null), 200, null, null);
        }
        assertThat(backlog.size()).isEqualTo(3);
    }

    @Test
    void httpUrlConnectionHeadersAreWrittenWithEachHeadOfTheCallNotAsRequestProperties() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object conn = new Object();
        java.net.URL url = new java.net.URL("http://svc:81/p?x=1");
        Object call = t.httpClientEnter(conn, "HttpURLConnection", "GET", url, false);
        assertThat(t.outgoingHeaders(call)).isNull(); // no setRequestProperty
        Object lock = new Object();
        String expected = "GET /p\\?x=1 HTTP/1\\.1\r\ntraceparent: 00-[0-9a-f]{32}-([0-9a-f]{16})-01\r\n"
                + "sightline-parent: [0-9a-f]{16};TOMCAT;app\r\n";
        String first = null;
        for (int print = 0; print < 2; print++) { // a retry prints the head again: the headers go again
            String[] keys = {"GET /p?x=1 HTTP/1.1", "User-Agent", "traceparent", "Host", null};
            String[] values = {null, "Java/17", "00-11111111111111111111111111111111-2222222222222222-01", "svc:81", null};
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(bytes, false);
            int taken = t.printHeadLines(lock, keys, values, 4, out);
            assertThat(taken).isEqualTo(2); // the request line, and the application's own traceparent
            assertThat(keys).containsExactly(null, "User-Agent", null, "Host", null);
            out.flush();
            String head = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(head).matches(expected);
            first = first == null ? head : first;
            assertThat(head).isEqualTo(first);
            t.restoreHeadLines(lock, keys, taken);
            assertThat(keys).containsExactly("GET /p?x=1 HTTP/1.1", "User-Agent", "traceparent", "Host", null);
        }
        t.httpClientExit(call, 200, null, true);
        // after the call, a head without the agent's headers is the JDK's alone
        String[] keys = {"GET /q HTTP/1.1", "Host"};
        assertThat(t.printHeadLines(lock, keys, new String[] {null, "svc:81"}, 2, new java.io.PrintStream(
                new java.io.ByteArrayOutputStream()))).isZero();
        t.serverExit(scope, 200, null, null);
        EventRecord e = takeOne().events().get(0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(expected).matcher(first);
        assertThat(m.matches()).isTrue();
        assertThat(e.nextSpanId).isEqualTo(Long.parseUnsignedLong(m.group(1), 16));
        assertThat(e.destination).isEqualTo("svc:81");
    }

    @Test
    void aNonAsciiRequestTargetOrApplicationNameKeepsTheHeadersAsRequestProperties() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object call = t.httpClientEnter(new Object(), "HttpURLConnection", "GET", new java.net.URL("http://svc:81/caf\u00e9"), false);
        assertThat(t.outgoingHeaders(call)).hasSize(4);
        t.httpClientExit(call, 200, null, true);
        t.serverExit(scope, 200, null, null);

        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "\u00e4pp";
        Tracer other = new Tracer(s, backlog, stats);
        Object scope2 = enter(other, "/b", null);
        Object call2 = other.httpClientEnter(new Object(), "HttpURLConnection", "GET", new java.net.URL("http://svc:81/p"), false);
        assertThat(other.outgoingHeaders(call2)).hasSize(4);
        other.httpClientExit(call2, 200, null, true);
        other.serverExit(scope2, 200, null, null);
    }

    @Test
    void httpClientCallIsOneEventWhateverTheNesting() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object conn = new Object();
        Object c1 = t.httpClientEnter(conn, "HttpURLConnection", "POST", "http://u:p@Svc:81/p?x=1", false);
        String[] headers = t.outgoingHeaders(c1);
        assertThat(t.outgoingHeaders(c1)).isNull(); // once
        Object nested = t.httpClientEnter(conn, "HttpURLConnection", "POST", "http://svc:81/p", false);
        assertThat(t.outgoingHeaders(nested)).isNull();
        t.httpClientExit(nested, 200, null, true); // nested exit changes nothing
        t.httpClientExit(c1, -1, null, false); // connect done
        Object c2 = t.httpClientEnter(conn, "HttpURLConnection", "POST", "http://svc:81/p", true);
        t.httpClientExit(c2, 201, null, true);
        Object again = t.httpClientEnter(conn, "HttpURLConnection", "POST", "http://svc:81/p", true);
        t.httpClientExit(again, 201, null, true);
        t.serverExit(scope, 200, null, null);
        SpanRecord s = takeOne();
        assertThat(s.events()).hasSize(1);
        EventRecord e = s.events().get(0);
        assertThat(e.api).isEqualTo("HttpURLConnection POST");
        assertThat(e.destination).isEqualTo("svc:81");
        assertThat(e.argument).isEqualTo("http://svc:81/p");
        assertThat(e.status).isEqualTo(201);
        assertThat(headers).containsExactly("traceparent",
                "00-" + TraceIds.hex(s.traceId) + "-" + TraceIds.spanIdHex(e.nextSpanId) + "-01",
                "sightline-parent", TraceIds.spanIdHex(s.spanId) + ";TOMCAT;app");
    }

    @Test
    void aFinishedCallKeptForItsConnectionNoLongerHoldsTheSpan() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object conn = new Object();
        Object call = t.httpClientEnter(conn, "HttpURLConnection", "GET", "http://svc:81/p", false);
        assertThat(((Tracer.ClientCall) call).span()).isSameAs(t.currentSpan());
        t.outgoingHeaders(call);
        t.httpClientExit(call, 200, null, true);
        // the connection (the weak map's key) still lives: its entry must not keep the span
        Tracer.ClientCall kept = (Tracer.ClientCall) t.httpClientEnter(conn, "HttpURLConnection", "GET",
                "http://svc:81/p", true);
        assertThat(kept).isSameAs(call);
        assertThat(kept.isDone()).isTrue();
        assertThat(kept.span()).isNull();
        assertThat(t.outgoingHeaders(kept)).isNull();
        t.httpClientExit(kept, 500, null, true); // over already: changes nothing
        t.serverExit(scope, 200, null, null);
        SpanRecord s = takeOne();
        assertThat(s.events()).hasSize(1);
        assertThat(s.events().get(0).status).isEqualTo(200);
    }

    @Test
    void aStatementKeepsItsStateAcrossExecutionsUntilClosed() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:closing;DB_CLOSE_DELAY=-1")) {
            String sql = "select ?";
            PreparedStatement ps = c.prepareStatement(sql);
            t.jdbcPrepared(ps, sql);
            Object scope = enter(t, "/db", null);
            for (int i = 1; i <= 2; i++) { // executed again: same SQL, the binds of each run
                t.jdbcBind(ps, 1, i);
                t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            }
            ps.close();
            t.jdbcClosed(ps);
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null); // the state is gone
            t.serverExit(scope, 200, null, null);
        }
        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(3);
        assertThat(events.get(0).sql).isEqualTo("select ?");
        assertThat(events.get(0).bindValues).containsExactly("1");
        assertThat(events.get(1).sql).isEqualTo("select ?");
        assertThat(events.get(1).bindValues).containsExactly("2");
        assertThat(events.get(2).sql).isNull();
        assertThat(events.get(2).bindValues).isNull();
    }

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    SpanRecord spanFor(String sightlineParent, String oldApp, String oldType, String oldSpan) {
        Tracer t = tracer(10, true, 1);
        t.serverExit(t.serverEnter("TOMCAT", "GET", "/in", "h:8080", "http", "10.0.0.1", TRACEPARENT,
                sightlineParent, oldApp, oldType, oldSpan), 200, null, null);
        return takeOne();
    }

    @Test
    void aSightlineCallerNamesItsSpanTypeAndApplicationInOneHeader() {
        SpanRecord s = spanFor("00000000000000a1;TOMCAT;caller;with;semicolons", null, null, null);
        assertThat(TraceIds.hex(s.traceId)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(s.spanId).isEqualTo(0x00f067aa0ba902b7L); // the id the caller gave its call's next span
        assertThat(s.parentSpanId).isEqualTo(0xa1L);
        assertThat(s.parentServiceType).isEqualTo("TOMCAT");
        assertThat(s.parentApplication).isEqualTo("caller;with;semicolons");
    }

    @Test
    void theThreeHeadersOfOlderAgentsAreStillHonoured() {
        SpanRecord s = spanFor(null, "old", "TOMCAT", "00000000000000a2");
        assertThat(s.spanId).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(s.parentSpanId).isEqualTo(0xa2L);
        assertThat(s.parentServiceType).isEqualTo("TOMCAT");
        assertThat(s.parentApplication).isEqualTo("old");
    }

    @Test
    void aSightlineParentWithoutAValidSpanIsAW3cCallerAndAMalformedOneIsIgnored() {
        SpanRecord s = spanFor("nothex;TOMCAT;caller", null, null, null);
        assertThat(s.spanId).isNotIn(0L, 0x00f067aa0ba902b7L); // a new id: traceparent's is the caller's span
        assertThat(s.parentSpanId).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(s.parentApplication).isEqualTo("caller");
        assertThat(s.parentServiceType).isEqualTo("TOMCAT");
        for (String bad : new String[] {"00000000000000a1", "00000000000000a1;TOMCAT", "00000000000000a1;TOMCAT;", ""}) {
            s = spanFor(bad, "ignored", "TOMCAT", "00000000000000a3"); // the new header wins, even malformed
            assertThat(s.parentSpanId).as(bad).isEqualTo(0x00f067aa0ba902b7L);
            assertThat(s.parentApplication).as(bad).isNull();
            assertThat(s.parentServiceType).as(bad).isNull();
        }
        s = spanFor("00000000000000a1;;caller", null, null, null);
        assertThat(s.parentSpanId).isEqualTo(0xa1L);
        assertThat(s.parentApplication).isEqualTo("caller");
        assertThat(s.parentServiceType).isNull();
    }

    @Test
    void theHeadersACallSendsMakeTheCalleeAChildOfTheCallingEvent() {
        Tracer caller = tracer(10, true, 1);
        Object scope = enter(caller, "/out", null);
        Object call = caller.httpClientEnter(new Object(), "L", "GET", "http://callee:80/", false);
        String[] h = caller.outgoingHeaders(call);
        caller.httpClientExit(call, 200, null, true);
        caller.serverExit(scope, 200, null, null);
        SpanRecord out = takeOne();
        Tracer callee = tracer(10, true, 1);
        callee.serverExit(callee.serverEnter("TOMCAT", "GET", "/in", "h:8080", "http", "10.0.0.1", h[1], h[3],
                null, null, null), 200, null, null);
        SpanRecord in = takeOne();
        assertThat(in.traceId).isEqualTo(out.traceId);
        assertThat(in.spanId).isEqualTo(out.events().get(0).nextSpanId);
        assertThat(in.parentSpanId).isEqualTo(out.spanId);
        assertThat(in.parentApplication).isEqualTo("app");
        assertThat(in.parentServiceType).isEqualTo("TOMCAT");
    }

    @Test
    void failedCallIsAnErrorWithItsException() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object call = t.httpClientEnter(new Object(), "L", "GET", "http://down:9/", false);
        t.outgoingHeaders(call);
        t.httpClientExit(call, -1, new IOException("Connection refused"), false);
        t.serverExit(scope, 200, null, null);
        EventRecord e = takeOne().events().get(0);
        assertThat(e.error).isTrue();
        assertThat(e.exception.toString()).isEqualTo("java.io.IOException: Connection refused");
    }

    @Test
    void eventLimitCountsDrops() {
        Tracer t = tracer(2, true, 1);
        Object scope = enter(t, "/a", null);
        for (int i = 0; i < 5; i++) {
            Object c = t.httpClientEnter(new Object(), "L", "GET", "http://h:1/", true);
            t.httpClientExit(c, 200, null, true);
        }
        t.serverExit(scope, 200, null, null);
        SpanRecord s = takeOne();
        assertThat(s.events()).hasSize(2);
        assertThat(s.droppedEvents()).isEqualTo(3);
    }

    @Test
    void eachExecutionKeepsTheValuesItRanWithWhateverTheStatementBindsOrClearsAfter() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:cow;DB_CLOSE_DELAY=-1")) {
            c.createStatement().execute("create table if not exists t(id int, name varchar(20))");
            PreparedStatement ps = c.prepareStatement("select * from t where id = ? and name = ?");
            t.jdbcPrepared(ps, "select * from t where id = ? and name = ?");
            Object scope = enter(t, "/a", null);
            t.jdbcBind(ps, 1, 1);
            t.jdbcBind(ps, 2, "a");
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcBind(ps, 1, 2); // the second name stays bound, as in JDBC
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcClearParameters(ps);
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcBind(ps, 3, "x"); // grows past the first array
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcBind(ps, 1, 4);
            t.jdbcClearParameters(ps); // not shared: cleared in place
            t.jdbcBind(ps, 2, "b");
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.serverExit(scope, 200, null, null);
            List<EventRecord> events = takeOne().events();
            assertThat(events).extracting(e -> e.bindValues).containsExactly(
                    List.of("1", "a"), List.of("2", "a"), null, Arrays.asList(null, null, "x"), Arrays.asList(null, "b"));
            ps.close();
        }
    }

    @Test
    void jdbcAgainstRealH2() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit;DB_CLOSE_DELAY=-1")) {
            c.createStatement().execute("create table if not exists t(id int, name varchar(20))");
            String sql = "insert into t values (?, ?)";
            PreparedStatement ps = c.prepareStatement(sql);
            t.jdbcPrepared(ps, sql); // what PrepareAdvice reports
            Object scope = enter(t, "/db", null);
            ps.setInt(1, 7);
            t.jdbcBind(ps, 1, 7);
            ps.setString(2, "abcdefgh");
            t.jdbcBind(ps, 2, "abcdefgh");
            Object call = t.jdbcEnter(ps, "executeUpdate", null);
            Object nested = t.jdbcEnter(ps, "execute", null); // a driver calling itself: not recorded
            assertThat(nested).isNotNull().isNotInstanceOf(EventRecord.class);
            t.jdbcExit(nested, null);
            ps.executeUpdate();
            t.jdbcExit(call, null);
            t.jdbcClearParameters(ps);
            t.jdbcBind(ps, 2, null);
            Object second = t.jdbcEnter(ps, "executeUpdate", null);
            t.jdbcExit(second, new java.sql.SQLException("nope"));
            t.serverExit(scope, 200, null, null);
        }
        SpanRecord s = takeOne();
        assertThat(s.events()).hasSize(2);
        EventRecord first = s.events().get(0);
        assertThat(first.api).isEqualTo("PreparedStatement.executeUpdate");
        assertThat(first.serviceType).isEqualTo("H2");
        assertThat(first.destination).isEqualTo("unit");
        assertThat(first.sql).isEqualTo("insert into t values (?, ?)");
        assertThat(first.bindValues).containsExactly("7", "abcde...");
        assertThat(first.truncated).isTrue();
        EventRecord second = s.events().get(1);
        assertThat(second.bindValues).isEqualTo(Arrays.asList(null, null));
        assertThat(second.error).isTrue();
        assertThat(second.exception.className).isEqualTo("java.sql.SQLException");
    }

    @Test
    void bindValuesKeptAsBoundBecomeTheSameTextsAndMutableOnesAreTakenAtBindTime() throws Exception {
        Tracer.Settings settings = new Tracer.Settings();
        settings.applicationName = "app";
        settings.maxBindValueLength = 256;
        Tracer t = new Tracer(settings, backlog, stats);
        java.sql.Timestamp at = new java.sql.Timestamp(0);
        String atText = at.toString();
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unitkept;DB_CLOSE_DELAY=-1")) {
            c.createStatement().execute("create table t(id bigint, at_time timestamp, on_day date, ok boolean)");
            String sql = "insert into t values (?, ?, ?, ?)";
            PreparedStatement ps = c.prepareStatement(sql);
            t.jdbcPrepared(ps, sql);
            Object scope = enter(t, "/kept", null);
            t.jdbcBind(ps, 1, 12345678901L);
            t.jdbcBind(ps, 2, at);
            t.jdbcBind(ps, 3, java.time.LocalDate.of(2026, 11, 22));
            t.jdbcBind(ps, 4, Boolean.TRUE);
            at.setTime(86_400_000L); // changed after binding: the event shows what was bound
            t.jdbcExit(t.jdbcEnter(ps, "executeUpdate", null), null);
            t.jdbcBind(ps, 1, 2L); // parameters stay bound across executions; only the first changes
            t.jdbcExit(t.jdbcEnter(ps, "executeUpdate", null), null);
            t.serverExit(scope, 200, null, null);
        }
        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).bindValues).containsExactly("12345678901", atText, "2026-11-22", "true");
        assertThat(events.get(1).bindValues).containsExactly("2", atText, "2026-11-22", "true");
        assertThat(events.get(0).truncated).isFalse();
    }

    @Test
    void batchesKeepTheirRowsValuesAndStatementsBounded() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit3;DB_CLOSE_DELAY=-1")) {
            c.createStatement().execute("create table t(id int, name varchar(20))");
            String sql = "insert into t values (?, ?)";
            PreparedStatement ps = c.prepareStatement(sql);
            t.jdbcPrepared(ps, sql);
            Object scope = enter(t, "/batch", null);
            for (int row = 1; row <= Tracer.MAX_BATCH_ROWS + 2; row++) {
                ps.setInt(1, row);
                t.jdbcBind(ps, 1, row);
                ps.setString(2, "n" + row);
                t.jdbcBind(ps, 2, "n" + row);
                ps.addBatch();
                t.jdbcAddBatch(ps, null);
            }
            Object call = t.jdbcEnter(ps, "executeBatch", null);
            ps.executeBatch();
            t.jdbcExit(call, null);
            // the next batch starts empty
            ps.setInt(1, 99);
            t.jdbcBind(ps, 1, 99);
            ps.setString(2, "last");
            t.jdbcBind(ps, 2, "last");
            ps.addBatch();
            t.jdbcAddBatch(ps, null);
            t.jdbcExit(t.jdbcEnter(ps, "executeBatch", null), null);

            java.sql.Statement st = c.createStatement();
            for (String s : new String[] {"insert into t values (1, 'a')", "insert into t values (2, 'b')",
                "delete from t where id = 3"}) {
                st.addBatch(s);
                t.jdbcAddBatch(st, s);
            }
            t.jdbcExit(t.jdbcEnter(st, "executeBatch", null), null);
            t.serverExit(scope, 200, null, null);
        }
        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(3);
        EventRecord big = events.get(0);
        assertThat(big.api).isEqualTo("PreparedStatement.executeBatch");
        assertThat(big.sql).isEqualTo("insert into t values (?, ?)");
        assertThat(big.argument).isEqualTo("batch of 12");
        List<String> expected = new ArrayList<>();
        for (int row = 1; row <= Tracer.MAX_BATCH_ROWS; row++) {
            expected.add(String.valueOf(row));
            expected.add("n" + row);
        }
        assertThat(big.bindValues).isEqualTo(expected);
        assertThat(big.truncated).isTrue();
        EventRecord small = events.get(1);
        assertThat(small.argument).isEqualTo("batch of 1");
        assertThat(small.bindValues).containsExactly("99", "last");
        assertThat(small.truncated).isFalse();
        EventRecord statements = events.get(2);
        assertThat(statements.api).isEqualTo("Statement.executeBatch");
        assertThat(statements.argument).isEqualTo("batch of 3");
        assertThat(statements.sql).isEqualTo("insert into t values (?, ?); delete from t where id = ?");
        assertThat(statements.bindValues).isNull();
    }

    @Test
    void whatTheDriverRunsWhilePreparingIsNotRecorded() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit4")) {
            java.sql.Statement st = c.createStatement();
            Object scope = enter(t, "/prepare", null);
            Object prepare = t.jdbcPrepareEnter();
            t.jdbcExit(t.jdbcEnter(st, "executeQuery", "select 1"), null); // e.g. procedure metadata
            t.jdbcExit(prepare, null);
            t.jdbcExit(t.jdbcEnter(st, "executeQuery", "select 2"), null);
            t.serverExit(scope, 200, null, null);
            assertThat(t.jdbcPrepareEnter()).isNull(); // outside a transaction: nothing to do
        }
        List<EventRecord> events = takeOne().events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).api).isEqualTo("Statement.executeQuery");
        assertThat(events.get(0).sql).isEqualTo("select ?");
    }

    @Test
    void bindValuesCanBeSwitchedOff() throws Exception {
        Tracer t = tracer(10, false, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit2")) {
            PreparedStatement ps = c.prepareStatement("select ?");
            t.jdbcPrepared(ps, "select ?");
            Object scope = enter(t, "/db", null);
            t.jdbcBind(ps, 1, "secret");
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.serverExit(scope, 200, null, null);
        }
        assertThat(takeOne().events().get(0).bindValues).isNull();
    }

    @Test
    void exceptionsUnwrapServletWrappersAndCutFrames() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/x", null);
        t.serverExit(scope, 500, new RuntimeException("outer", new IllegalStateException("inner")), null);
        SpanRecord s = takeOne();
        assertThat(s.error).isTrue();
        assertThat(s.exception.className).isEqualTo("java.lang.RuntimeException"); // not a servlet wrapper
        assertThat(s.exception.frames).hasSizeLessThanOrEqualTo(5);
        assertThat(s.exception.frames[0]).startsWith("io.sightline.agent.core.trace.TracerTest.");
    }

    /** Runs {@code body} on a new thread as a task created now on this thread would run. */
    void runAsTask(Tracer t, Object task, String threadName, Runnable body) throws InterruptedException {
        Thread th = new Thread(() -> {
            Object token = t.contextAttach(task);
            try {
                body.run();
            } finally {
                t.contextClose(token);
            }
            assertThat(t.currentSpan()).isNull();
        }, threadName);
        th.start();
        th.join();
    }

    void call(Tracer t, String url) {
        Object c = t.httpClientEnter(new Object(), "L", "GET", url, true);
        t.httpClientExit(c, 200, null, true);
    }

    @Test
    void aTaskRowsApiIsItsClassNameWhateverClassesCameBefore() {
        Tracer t = tracer(10, true, 1);
        Class<?>[] types = {java.util.concurrent.FutureTask.class, Object.class, String.class, Integer.class, Long.class,
            Short.class, Byte.class, Double.class, Float.class, Character.class, Boolean.class, Thread.class};
        for (int round = 0; round < 3; round++) {
            for (Class<?> type : types) {
                String api = t.asyncApi(type);
                assertThat(api).isEqualTo("Async " + type.getSimpleName());
                assertThat(t.asyncApi(type)).isSameAs(api);
            }
        }
        Runnable lambda = () -> { };
        assertThat(t.asyncApi(lambda.getClass())).isEqualTo("Async Runnable");
    }

    @Test
    void aTaskThatRecordsGetsAnAsyncRowUnderTheSubmittingRowAndNestedTasksNest() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        call(t, "http://h:1/before");
        Object quiet = new java.util.concurrent.FutureTask<Void>(() -> null);
        t.contextCapture(quiet);
        runAsTask(t, quiet, "pool-1", () -> { }); // records nothing: no row
        Object outer = new java.util.concurrent.FutureTask<Void>(() -> null);
        t.contextCapture(outer);
        runAsTask(t, outer, "pool-1", () -> {
            call(t, "http://h:1/in-task");
            Object inner = new Object();
            t.contextCapture(inner);
            try {
                runAsTask(t, inner, "pool-2", () -> call(t, "http://h:1/in-inner"));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        call(t, "http://h:1/after");
        t.serverExit(scope, 200, null, null);
        List<String> rows = new ArrayList<>();
        for (EventRecord e : takeOne().events()) {
            rows.add(e.sequence + " " + e.depth + " " + e.serviceType + " " + e.api + " "
                    + (e.argument == null ? "-" : e.argument) + " " + e.threadName);
        }
        assertThat(rows).containsExactly(
                "1 1 HTTP_CLIENT L GET http://h:1/before null",
                "2 1 ASYNC Async FutureTask - pool-1",
                "3 2 HTTP_CLIENT L GET http://h:1/in-task pool-1",
                "4 2 ASYNC Async Object - pool-2",
                "5 3 HTTP_CLIENT L GET http://h:1/in-inner pool-2",
                "6 1 HTTP_CLIENT L GET http://h:1/after null");
    }

    @Test
    void aTaskRunLaterOnAPooledThreadCarriesNothing() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object task = new Object();
        t.contextCapture(task);
        t.serverExit(scope, 200, null, null);
        takeOne();
        // created during the transaction but run after its end: nothing to attach to
        runAsTask(t, task, "pool-1", () -> assertThat(t.currentSpan()).isNull());
        // a task created outside any transaction carries nothing
        Object untraced = new Object();
        t.contextCapture(untraced);
        assertThat(t.contextAttach(untraced)).isNull();
        assertThat(backlog.size()).isZero();
    }

    @Test
    void aTaskStillRunningWhenTheSpanEndsKeepsItsRowAndWhatEndedInIt() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object task = new Object();
        t.contextCapture(task);
        java.util.concurrent.CountDownLatch recorded = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Thread th = new Thread(() -> {
            Object token = t.contextAttach(task);
            call(t, "http://h:1/in-task");
            Object open = t.httpClientEnter(new Object(), "L", "GET", "http://h:1/open", true);
            recorded.countDown();
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.httpClientExit(open, 200, null, true); // after the span's end: not recorded
            call(t, "http://h:1/late");
            t.contextClose(token);
        }, "pool-1");
        th.start();
        recorded.await();
        t.serverExit(scope, 200, null, null);
        ended.countDown();
        th.join();
        List<String> rows = new ArrayList<>();
        for (EventRecord e : takeOne().events()) {
            rows.add(e.depth + " " + e.serviceType + " " + (e.argument == null ? "-" : e.argument));
        }
        assertThat(rows).containsExactly("1 ASYNC -", "2 HTTP_CLIENT http://h:1/in-task");
    }

    @Test
    void callsMadeInsideACallNestUnderIt() throws Exception {
        Tracer t = tracer(10, true, 1);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit3")) {
            PreparedStatement ps = c.prepareStatement("select 1");
            t.jdbcPrepared(ps, "select 1");
            Object scope = enter(t, "/db", null);
            Object q = t.jdbcEnter(ps, "executeQuery", null);
            call(t, "http://h:1/from-driver");
            t.jdbcExit(q, null);
            call(t, "http://h:1/after");
            t.serverExit(scope, 200, null, null);
        }
        List<String> rows = new ArrayList<>();
        for (EventRecord e : takeOne().events()) {
            rows.add(e.sequence + " " + e.depth + " " + e.api);
        }
        assertThat(rows).containsExactly("1 1 PreparedStatement.executeQuery", "2 2 L GET", "3 1 L GET");
    }

    @Test
    void aSampledOutTransactionTravelsToTasksAndSaysSoDownstream() throws Exception {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        Object task = new Object();
        t.contextCapture(task);
        String[][] headers = new String[1][];
        runAsTask(t, task, "pool-1", () -> {
            Object c = t.httpClientEnter(new Object(), "L", "GET", "http://h:1/", false);
            headers[0] = t.outgoingHeaders(c);
            t.httpClientExit(c, 200, null, true);
        });
        t.serverExit(scope, 200, null, null);
        assertThat(headers[0][1]).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-00");
        assertThat(backlog.size()).isZero();
    }

    @Test
    void tasksQueuedByAClientLibraryDuringItsCallCarryNothing() {
        Tracer t = tracer(10, true, 1);
        Object scope = enter(t, "/a", null);
        Object call = t.httpClientEnter(new Object(), "L", "GET", "http://h:1/", false);
        Object internal = new Object();
        t.contextCapture(internal); // e.g. a selector task the client creates inside its send
        assertThat(t.shouldCarryContext(() -> { })).isFalse();
        t.httpClientExit(call, 200, null, true);
        assertThat(t.contextAttach(internal)).isNull();
        assertThat(t.shouldCarryContext(() -> { })).isTrue();
        assertThat(Tracer.isLibraryInternal("okhttp3.internal.connection.RealCall$AsyncCall")).isTrue();
        assertThat(Tracer.isLibraryInternal("com.example.Work")).isFalse();
        t.serverExit(scope, 200, null, null);
    }

    @Test
    void taskRowsAreNamedByTheTaskClassAndLambdasAreRunnables() {
        Runnable lambda = () -> { };
        assertThat(lambda.getClass().getName()).contains("$$Lambda");
        assertThat(Tracer.taskName(lambda)).isEqualTo("Runnable");
        assertThat(Tracer.taskName(new java.util.concurrent.FutureTask<Object>(lambda, null))).isEqualTo("FutureTask");
        assertThat(Tracer.taskName(new Named())).isEqualTo("Named");
    }

    static final class Named implements Runnable {
        @Override
        public void run() {
        }
    }
}
