package io.sightline.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.bridge.BridgeHandler;

class SelfTimingHandlerTest {

    @Test
    void overridesEveryCallOfTheBridgeHandler() {
        // a call left to BridgeHandler's no-op would silently switch the agent off in the bench
        List<String> missing = new ArrayList<>();
        for (Method m : BridgeHandler.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                SelfTimingHandler.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void bucketsAreContiguousAndWithinThreePercent() {
        int previous = -1;
        for (long v = 0; v < 5_000_000; v += 1 + v / 50) {
            int b = SelfTimingHandler.Histogram.bucket(v);
            assertThat(b).isGreaterThanOrEqualTo(previous);
            long low = SelfTimingHandler.Histogram.lowest(b);
            assertThat(low).isLessThanOrEqualTo(v);
            assertThat(v - low).isLessThanOrEqualTo(Math.max(0, v / 32));
            previous = b;
        }
        assertThat(SelfTimingHandler.Histogram.bucket(Long.MAX_VALUE)).isEqualTo(SelfTimingHandler.Histogram.bucket((1L << 36) - 1));
    }

    @Test
    void percentilesOfRecordedValues() {
        SelfTimingHandler.Histogram h = new SelfTimingHandler.Histogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1000L); // 1 to 1000 us
        }
        String[] v = h.take().split(" ");
        assertThat(v[0]).isEqualTo("1000");
        assertThat(Double.parseDouble(v[1])).isBetween(484.0, 500.0); // p50, a bucket floor
        assertThat(Double.parseDouble(v[3])).isBetween(960.0, 990.0); // p99
        assertThat(Double.parseDouble(v[5])).isBetween(984.0, 1000.0); // max
        assertThat(h.take()).isEqualTo("0 0 0 0 0 0");
    }

    /** The test's clock: time passes only when a call or the application says so. */
    static final java.util.concurrent.atomic.AtomicLong NOW = new java.util.concurrent.atomic.AtomicLong(1_000_000);

    /** A delegate whose calls take known time, to see what the handler adds up per request and task. */
    static final class Slow extends BridgeHandler {
        static void spin(long nanos) {
            NOW.addAndGet(nanos);
        }

        @Override
        public Object serverEnter(String serviceType, String method, String uri, String host, String scheme,
                                  String clientIp, String traceparent, String parent, String parentApplication,
                                  String parentServiceType, String parentSpan) {
            spin(200_000);
            return uri.equals("/nested") ? null : new Object();
        }

        @Override
        public void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
            spin(100_000);
        }

        @Override
        public Object jdbcEnter(Object statement, String method, String sql) {
            spin(300_000);
            return null;
        }

        @Override
        public Object contextAttach(Object task) {
            spin(50_000);
            return new Object();
        }

        @Override
        public void contextClose(Object token) {
            spin(50_000);
        }
    }

    @Test
    void addsUpTheAgentsTimeFromEntryToExitAndPerTask() throws Exception {
        SelfTimingHandler h = new SelfTimingHandler(new Slow(), NOW::get);
        Object scope = h.serverEnter("TOMCAT", "GET", "/a", null, null, null, null, null, null, null, null);
        h.jdbcEnter(null, "executeQuery", "select 1");
        Slow.spin(2_000_000); // the application's own time is not counted
        h.serverExit(scope, 200, null, null);
        Thread worker = new Thread(() -> {
            Object token = h.contextAttach(new Object());
            Slow.spin(1_000_000);
            h.contextClose(token);
        });
        worker.start();
        worker.join();
        String[] parts = h.take().split("\\|");
        String[] requests = parts[0].replace("requests:", "").trim().split(" ");
        String[] tasks = parts[1].replace("tasks:", "").trim().split(" ");
        assertThat(requests[0]).isEqualTo("1");
        // 600 us of agent work, not the 2.6 ms of the request (a bucket's floor, within 3%)
        assertThat(Double.parseDouble(requests[1])).isBetween(582.0, 600.0);
        assertThat(tasks[0]).isEqualTo("1");
        assertThat(Double.parseDouble(tasks[1])).isBetween(97.0, 100.0);
    }
}
