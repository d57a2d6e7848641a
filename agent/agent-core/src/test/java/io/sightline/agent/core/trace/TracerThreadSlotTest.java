package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.sightline.agent.bridge.Slotted;
import io.sightline.agent.core.util.Backlog;

/**
 * A thread whose class has the agent's slot (Tomcat's TaskThread) keeps the tracer's per-thread
 * state there; other threads keep it in the thread local; the spans are the same either way.
 */
class TracerThreadSlotTest {

    /** A thread class as the agent leaves Tomcat's TaskThread: with the slot. */
    static final class SlottedThread extends Thread implements Slotted {
        Object slot;

        SlottedThread(Runnable r) {
            super(r);
        }

        @Override
        public Object sightline$slot() {
            return slot;
        }

        @Override
        public void sightline$slot(Object value) {
            slot = value;
        }
    }

    private static Tracer tracer(Backlog<SpanRecord> backlog) {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "app";
        return new Tracer(s, backlog, new TransactionStats());
    }

    /** One request with a client call, on the current thread: the span's shape as text. */
    private static void request(Tracer t) {
        Object scope = t.serverEnter("TOMCAT", "GET", "/a?x=1", "h:80", "http", "10.0.0.1", null, null, null, null, null);
        assertThat(t.currentSpan()).isSameAs(scope);
        Object request = new Object();
        Object call = t.httpClientEnter(request, "OkHttp", "GET", "http://b:81/c", false);
        assertThat(t.outgoingHeaders(call)).isNotNull();
        t.httpClientExit(call, 200, null, true);
        t.serverExit(scope, 200, null, null);
        assertThat(t.currentSpan()).isNull();
    }

    private static List<String> shapes(Backlog<SpanRecord> backlog) {
        List<SpanRecord> spans = new ArrayList<>();
        backlog.drainTo(spans, 100);
        List<String> out = new ArrayList<>();
        for (SpanRecord s : spans) {
            StringBuilder b = new StringBuilder(s.method + " " + s.uri + " " + s.status);
            for (EventRecord e : s.orderedEvents()) {
                b.append(" | ").append(e.serviceType).append(' ').append(e.api).append(' ').append(e.destination)
                        .append(' ').append(e.status);
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void slottedThreadKeepsTheStateInItsSlotWithTheSameSpans() throws Exception {
        Backlog<SpanRecord> plain = new Backlog<>(10);
        Tracer a = tracer(plain);
        Thread p = new Thread(() -> request(a));
        p.start();
        p.join();

        Backlog<SpanRecord> slotted = new Backlog<>(10);
        Tracer b = tracer(slotted);
        AtomicReference<Object> state = new AtomicReference<>();
        SlottedThread st = new SlottedThread(() -> {
            request(b);
            request(b);
            state.set(b.state());
        });
        st.start();
        st.join();

        assertThat(st.slot).isInstanceOf(Tracer.ThreadState.class).isSameAs(state.get());
        assertThat(((Tracer.ThreadState) st.slot).owner).isSameAs(b);
        List<String> expected = shapes(plain);
        assertThat(expected).hasSize(1);
        assertThat(shapes(slotted)).containsExactly(expected.get(0), expected.get(0));
    }

    @Test
    void aSecondTracerOnASlottedThreadUsesItsThreadLocal() throws Exception {
        Backlog<SpanRecord> backlog = new Backlog<>(10);
        Tracer first = tracer(backlog);
        Tracer second = tracer(backlog);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        SlottedThread st = new SlottedThread(() -> {
            try {
                Object scope = first.serverEnter("TOMCAT", "GET", "/a", null, null, null, null, null, null, null, null);
                // the second tracer sees no transaction of the first's on this thread
                assertThat(second.currentSpan()).isNull();
                assertThat(second.state()).isNotSameAs(first.state());
                first.serverExit(scope, 200, null, null);
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        st.start();
        st.join();
        assertThat(failed.get()).isNull();
        assertThat(((Tracer.ThreadState) st.slot).owner).isSameAs(first);
    }

    @Test
    void aSlotHoldingSomethingElseLeavesTheTracerOnItsThreadLocal() throws Exception {
        Tracer t = tracer(new Backlog<>(10));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        SlottedThread st = new SlottedThread(() -> {
            try {
                request(t);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        st.slot = "other";
        st.start();
        st.join();
        assertThat(failed.get()).isNull();
        assertThat(st.slot).isEqualTo("other");
    }
}
