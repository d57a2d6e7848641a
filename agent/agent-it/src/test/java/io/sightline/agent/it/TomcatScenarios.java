package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.sightline.agent.it.apps.TomcatApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.ActiveRequest;
import io.sightline.protocol.v1.ActiveRequestsCommand;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.ThreadDumpCommand;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * Tomcat 10.1 server entry and H2 JDBC, with the real agent in a child JVM. Subclasses choose
 * the child's JDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatScenarios {
    static final Duration WAIT = Duration.ofSeconds(20);
    TestCollector collector;
    ForkedJvm app;
    String base;
    int port;
    Path logDir;

    abstract String javaHome();

    @BeforeAll
    void startApp() throws Exception {
        collector = TestCollector.start();
        logDir = Files.createTempDirectory("sightline-it-log");
        app = ForkedJvm.builder()
                .javaHome(javaHome())
                .withAgent()
                .property("sightline.applicationName", "it-tomcat")
                .property("sightline.agentId", "it-tomcat-1")
                .property("sightline.collector", collector.address())
                .property("sightline.log.dir", logDir)
                .property("sightline.stats.intervalMillis", 500)
                .property("sightline.ping.intervalMillis", 500)
                .classpath(ForkedJvm.classpath("tomcat-embed-core", "tomcat-annotations-api", "h2-"))
                .main(TomcatApp.class.getName())
                .start();
        port = Integer.parseInt(app.awaitLine("READY", Duration.ofSeconds(90))); // slow to start on a busy build machine
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stopApp() throws Exception {
        if (app != null) {
            app.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void recordsOneSpanPerRequestWithItsFields() throws Exception {
        assertThat(Http.get(base + "/hello?q=secret").body()).isEqualTo("hello");
        Span span = collector.awaitSpan("/hello", WAIT);
        assertThat(span.getTraceId().size()).isEqualTo(16);
        assertThat(span.getSpanId()).isNotZero();
        assertThat(span.getParentSpanId()).isZero();
        assertThat(span.getAgentId()).isEqualTo("it-tomcat-1");
        assertThat(span.getApplicationName()).isEqualTo("it-tomcat");
        assertThat(span.getServiceType()).isEqualTo("TOMCAT");
        assertThat(span.getMethod()).isEqualTo("GET");
        assertThat(span.getUri()).isEqualTo("/hello");
        assertThat(span.getUriTemplate()).isEmpty();
        assertThat(span.getStatus()).isEqualTo(200);
        assertThat(span.getError()).isFalse();
        assertThat(span.hasException()).isFalse();
        assertThat(span.getClientIp()).isEqualTo("127.0.0.1");
        assertThat(span.getEndpoint()).isEqualTo("127.0.0.1:" + port);
        assertThat(span.getThreadName()).startsWith("http-nio-");
        assertThat(span.getParentApplication()).isEmpty();
        assertThat(span.getEventsCount()).isZero();
        assertThat(span.getStartTime()).isBetween(System.currentTimeMillis() - 30_000, System.currentTimeMillis());
    }

    @Test
    void theRequestThreadKeepsTheTracersStateInItsSlot() throws Exception {
        assertThat(Http.get(base + "/threadslot").body())
                .isEqualTo("org.apache.tomcat.util.threads.TaskThread slot io.sightline.agent.core.trace.Tracer$ThreadState");
        collector.awaitSpan("/threadslot", WAIT);
    }

    @Test
    void continuesAnIncomingTraceparent() throws Exception {
        Http.get(base + "/hello?continued", Map.of(
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "sightline-parent-app", "upstream",
                "sightline-parent-type", "TOMCAT"));
        Span span = collector.awaitSpans(1, s -> TraceIds.hex(s.getTraceId().toByteArray())
                .equals("4bf92f3577b34da6a3ce929d0e0e4736"), WAIT).get(0);
        // a W3C caller (no sightline-parent-span): its span is our parent, our id is new
        assertThat(span.getParentSpanId()).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(span.getSpanId()).isNotIn(0L, 0x00f067aa0ba902b7L);
        assertThat(span.getParentApplication()).isEqualTo("upstream");
        assertThat(span.getParentServiceType()).isEqualTo("TOMCAT");
        assertThat(span.getUri()).isEqualTo("/hello");
    }

    /** The span of the trace {@code traceId} after a GET /hello with these headers. */
    Span spanOfCall(String traceId, Map<String, String> headers) throws Exception {
        Http.get(base + "/hello", headers);
        return collector.awaitSpans(1, s -> TraceIds.hex(s.getTraceId().toByteArray()).equals(traceId), WAIT).get(0);
    }

    @Test
    void aSightlineCallerGivesItsSpanTypeAndApplicationInOneHeader() throws Exception {
        Span span = spanOfCall("5bf92f3577b34da6a3ce929d0e0e4737", Map.of(
                "traceparent", "00-5bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b8-01",
                "sightline-parent", "0000000000000abc;TOMCAT;upstream"));
        // the caller chose our span id (its call's next span id) and told us its own
        assertThat(span.getSpanId()).isEqualTo(0x00f067aa0ba902b8L);
        assertThat(span.getParentSpanId()).isEqualTo(0xabcL);
        assertThat(span.getParentApplication()).isEqualTo("upstream");
        assertThat(span.getParentServiceType()).isEqualTo("TOMCAT");
        assertThat(span.getUri()).isEqualTo("/hello");
    }

    @Test
    void theThreeHeadersOfOlderAgentsAreStillHonoured() throws Exception {
        Span span = spanOfCall("6bf92f3577b34da6a3ce929d0e0e4738", Map.of(
                "traceparent", "00-6bf92f3577b34da6a3ce929d0e0e4738-00f067aa0ba902b9-01",
                "sightline-parent-app", "older",
                "sightline-parent-type", "TOMCAT",
                "sightline-parent-span", "0000000000000abd"));
        assertThat(span.getSpanId()).isEqualTo(0x00f067aa0ba902b9L);
        assertThat(span.getParentSpanId()).isEqualTo(0xabdL);
        assertThat(span.getParentApplication()).isEqualTo("older");
        assertThat(span.getParentServiceType()).isEqualTo("TOMCAT");
        assertThat(span.getUri()).isEqualTo("/hello");
    }

    @Test
    void startsANewTraceForAnInvalidTraceparent() throws Exception {
        Http.get(base + "/hello", Map.of("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "sightline-parent-app", "liar"));
        Span span = collector.awaitSpans(1, s -> s.getUri().equals("/hello") && s.getParentSpanId() == 0
                && !collector.spans().isEmpty() && s.getStartTime() > 0
                && !TraceIds.hex(s.getTraceId().toByteArray()).equals("00000000000000000000000000000000")
                && s.getParentApplication().isEmpty(), WAIT).get(0);
        assertThat(span.getParentApplication()).isEmpty();
    }

    @Test
    void anUncaughtExceptionMakesAnErrorWithTheException() throws Exception {
        assertThat(Http.get(base + "/fail").status()).isEqualTo(500);
        Span span = collector.awaitSpan("/fail", WAIT);
        assertThat(span.getStatus()).isEqualTo(500);
        assertThat(span.getError()).isTrue();
        assertThat(span.getException().getClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(span.getException().getMessage()).isEqualTo("boom");
        assertThat(span.getException().getFramesList()).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        assertThat(span.getException().getFrames(0)).startsWith("io.sightline.agent.it.apps.TomcatApp$").contains("doGet(TomcatApp.java:");
    }

    @Test
    void aServerErrorStatusIsAnErrorWithoutException() throws Exception {
        assertThat(Http.get(base + "/status500").status()).isEqualTo(503);
        Span span = collector.awaitSpan("/status500", WAIT);
        assertThat(span.getStatus()).isEqualTo(503);
        assertThat(span.getError()).isTrue();
        assertThat(span.hasException()).isFalse();
    }

    @Test
    void aForwardIsNotATransactionOfItsOwn() throws Exception {
        assertThat(Http.get(base + "/forward").body()).isEqualTo("hello");
        Span span = collector.awaitSpan("/forward", WAIT);
        // whatever else arrives later, nothing belongs to this trace but the one span
        Http.get(base + "/hello?marker");
        collector.awaitSpans(1, s -> s.getStartTime() > span.getStartTime() && s.getUri().equals("/hello"), WAIT);
        List<Span> sameTrace = collector.spans().stream().filter(s -> s.getTraceId().equals(span.getTraceId())).toList();
        assertThat(sameTrace).hasSize(1);
        assertThat(span.getStatus()).isEqualTo(200);
    }

    @Test
    void recordsJdbcCallsWithNormalisedSqlAndBindValues() throws Exception {
        assertThat(Http.get(base + "/db?name=George").body()).isEqualTo("1:George\n");
        Span span = collector.awaitSpan("/db", WAIT);
        assertThat(span.getEventsCount()).isEqualTo(2);

        SpanEvent update = span.getEvents(0);
        assertThat(update.getSequence()).isEqualTo(1);
        assertThat(update.getDepth()).isEqualTo(1);
        assertThat(update.getServiceType()).isEqualTo("H2");
        assertThat(update.getDestination()).isEqualTo("testdb");
        assertThat(collector.metadata(update.getApiId())).isEqualTo("Statement.executeUpdate");
        assertThat(collector.metadata(update.getSqlId()))
                .isEqualTo("update owners set city = ? where id = ? and name <> ?");
        assertThat(update.getBindValuesList()).isEmpty();
        assertThat(update.getError()).isFalse();

        SpanEvent query = span.getEvents(1);
        assertThat(query.getSequence()).isEqualTo(2);
        assertThat(query.getDepth()).isEqualTo(1);
        assertThat(query.getServiceType()).isEqualTo("H2");
        assertThat(query.getDestination()).isEqualTo("testdb");
        assertThat(collector.metadata(query.getApiId())).isEqualTo("PreparedStatement.executeQuery");
        assertThat(query.getSqlId()).isEqualTo(MetadataIds.of(MetadataEntry.Kind.SQL_VALUE,
                "select id, name from owners where name = ? and id > ? and (city = ? or city = ?)"));
        assertThat(collector.metadata(query.getSqlId()))
                .isEqualTo("select id, name from owners where name = ? and id > ? and (city = ? or city = ?)");
        assertThat(query.getBindValuesList()).containsExactly(
                BindValue.newBuilder().setValue("George").build(),
                BindValue.newBuilder().setValue("0").build(),
                BindValue.newBuilder().setValue("Madison").build(),
                BindValue.newBuilder().setNull(true).build());
        assertThat(query.getStartOffset()).isGreaterThanOrEqualTo(update.getStartOffset());
        assertThat(query.getStartOffset() + query.getElapsed()).isLessThanOrEqualTo(span.getElapsed() + 1);
        assertThat(query.getNextSpanId()).isZero();
    }

    @Test
    void registersPingsAndSendsJvmStats() throws Exception {
        TestCollector.await("registration", WAIT, () -> !collector.registrations.isEmpty());
        AgentInfo info = collector.registrations.get(0);
        assertThat(info.getAgentId()).isEqualTo("it-tomcat-1");
        assertThat(info.getApplicationName()).isEqualTo("it-tomcat");
        assertThat(info.getServiceType()).isEqualTo("TOMCAT");
        assertThat(info.getPid()).isEqualTo((int) app.process().pid());
        assertThat(info.getPluginsList()).contains("tomcat", "jdbc-h2", "http-url-connection");
        assertThat(info.getProtocolVersion()).isEqualTo(1);
        assertThat(info.getJvmVersion()).isNotEmpty();
        TestCollector.await("pings", WAIT, () -> !collector.pings.isEmpty());
        TestCollector.await("stats", WAIT, () -> collector.stats.size() >= 2);
        var stat = collector.stats.get(collector.stats.size() - 1);
        assertThat(stat.getHeapUsed()).isPositive();
        assertThat(stat.getHeapMax()).isPositive();
        assertThat(stat.getThreads()).isPositive();
        assertThat(stat.getInterval()).isBetween(100L, 5000L);
        assertThat(stat.getCpuProcess()).isBetween(0.0, 1.0);
        assertThat(stat.getCpuSystem()).isBetween(0.0, 1.0);
        assertThat(collector.tokens).allMatch(String::isEmpty);
    }

    @Test
    void anAsyncRequestEndsWhenItsAsyncContextCompletes() throws Exception {
        assertThat(Http.get(base + "/async").body()).isEqualTo("async");
        Span span = collector.awaitSpan("/async", WAIT);
        assertThat(span.getStatus()).isEqualTo(200);
        assertThat(span.getError()).isFalse();
        assertThat(span.getElapsed()).isGreaterThanOrEqualTo(300);
        assertThat(span.getThreadName()).startsWith("http-nio-");
    }

    @Test
    void anAsyncDispatchIsNotATransactionOfItsOwn() throws Exception {
        assertThat(Http.get(base + "/asyncdispatch").body()).isEqualTo("hello");
        Span span = collector.awaitSpan("/asyncdispatch", WAIT);
        Http.get(base + "/hello?after-async");
        collector.awaitSpans(1, s -> s.getStartTime() >= span.getStartTime() && s.getUri().equals("/hello")
                && !s.getTraceId().equals(span.getTraceId()), WAIT);
        assertThat(collector.spans().stream().filter(s -> s.getTraceId().equals(span.getTraceId()))).hasSize(1);
        assertThat(span.getStatus()).isEqualTo(200);
    }

    @Test
    void liveCommandsShowRequestsInProgressAndThreads() throws Exception {
        TestCollector.await("command stream", WAIT, () -> !collector.hellos.isEmpty());
        Thread caller = new Thread(() -> {
            try {
                Http.get(base + "/slow?ms=4000");
            } catch (Exception ignored) {
                // the assertion below tells
            }
        });
        caller.start();
        try {
            ActiveRequest found = null;
            for (int i = 0; i < 100 && found == null; i++) {
                CommandReply reply = collector.command("it-tomcat-1", Command.newBuilder().setActiveRequests(
                        ActiveRequestsCommand.newBuilder().setWithStack(true).setMaxStackDepth(50)), WAIT);
                found = reply.getActiveRequests().getRequestsList().stream()
                        .filter(r -> r.getUri().equals("/slow")).findFirst().orElse(null);
                if (found == null) {
                    Thread.sleep(50);
                }
            }
            assertThat(found).isNotNull();
            assertThat(found.getMethod()).isEqualTo("GET");
            assertThat(found.getThreadName()).startsWith("http-nio-");
            assertThat(found.getTraceId().size()).isEqualTo(16);
            assertThat(found.getStackList()).hasSizeLessThanOrEqualTo(50)
                    .anyMatch(f -> f.startsWith("java.lang.Thread.sleep"))
                    .anyMatch(f -> f.startsWith("io.sightline.agent.it.apps.TomcatApp$"));
            CommandReply dump = collector.command("it-tomcat-1", Command.newBuilder()
                    .setThreadDump(ThreadDumpCommand.newBuilder().setMaxStackDepth(5)), WAIT);
            String requestThread = found.getThreadName();
            assertThat(dump.getThreadDump().getThreadsList())
                    .anyMatch(t -> t.getName().equals("sightline-sender") && t.getStackCount() <= 5)
                    .anyMatch(t -> t.getName().equals(requestThread));
        } finally {
            caller.join();
        }
        Span span = collector.awaitSpan("/slow", WAIT);
        assertThat(span.getTraceId()).isNotNull();
    }

    @Test
    void staysSilentOnStdout() throws Exception {
        Http.get(base + "/hello?silence");
        collector.awaitSpans(1, s -> s.getUri().equals("/hello"), WAIT);
        assertThat(app.stdout()).allMatch(line -> line.startsWith("READY"));
        assertThat(app.stderr()).noneMatch(line -> line.contains("sightline") || line.contains("WARNING"));
    }
}
