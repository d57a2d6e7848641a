package io.sightline.agent.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HeadLinesTest {
    static final String TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    final HeadLines lines = new HeadLines("traceparent", "sightline-parent");
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, false);
    final Object lock = new Object();
    /** The thread's work, as the tracer keeps it. */
    final HeadLines.Work work = new HeadLines.Work();

    String written() {
        out.flush();
        return new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** What the JDK prints of the lines left (keys not null), as MessageHeader.print does. */
    static String jdkRest(String[] keys, String[] values, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (keys[i] != null) {
                b.append(keys[i]).append(values[i] != null ? ": " + values[i] : i == 0 ? "" : ":").append("\r\n");
            }
        }
        return b.append("\r\n").toString();
    }

    @Test
    void writesTheLinesThroughTheTraceHeadersAsTheJdkWouldAndLeavesTheRest() {
        String[] keys = {"GET /down?id=1 HTTP/1.1", "traceparent", "sightline-parent", "User-Agent", "Host", null, null, null};
        String[] values = {null, TP, "b7ad6b7169203331;TOMCAT;app", "Java/17", "svc:81", null, null, null};
        String whole = jdkRest(keys.clone(), values, 5);
        int taken = lines.take(work, lock, keys, values, 5, out);
        assertThat(taken).isEqualTo(3);
        assertThat(keys).startsWith(null, null, null, "User-Agent", "Host");
        String printed = written() + jdkRest(keys, values, 5);
        assertThat(printed).isEqualTo(whole);
        lines.restore(work, lock, keys, taken);
        assertThat(keys).startsWith("GET /down?id=1 HTTP/1.1", "traceparent", "sightline-parent", "User-Agent", "Host");
        // the thread can take the next head
        assertThat(lines.take(work, lock, keys, values, 5, out)).isEqualTo(3);
        lines.restore(work, lock, keys, 3);
    }

    @Test
    void theApplicationsHeadersBeforeTheTraceHeadersAreWrittenInTheirPlace() {
        String[] keys = {"POST /p HTTP/1.1", "Content-Type", "traceparent", "X-Null", "Accept"};
        String[] values = {null, "text/plain", TP, null, "*/*"};
        String whole = jdkRest(keys.clone(), values, 5);
        int taken = lines.take(work, lock, keys, values, 5, out);
        assertThat(taken).isEqualTo(3);
        assertThat(written() + jdkRest(keys, values, 5)).isEqualTo(whole);
        lines.restore(work, lock, keys, taken);
        assertThat(keys).containsExactly("POST /p HTTP/1.1", "Content-Type", "traceparent", "X-Null", "Accept");
    }

    @Test
    void anythingButThePlainCaseIsLeftToTheJdk() {
        assertLeftAlone(new String[] {"GET / HTTP/1.1", "User-Agent"}, new String[] {null, "Java"}); // no trace header
        assertThat(work.bytes).isNull(); // nor a buffer made for it
        assertLeftAlone(new String[] {"GET / HTTP/1.1", "X-Note", "traceparent"}, new String[] {null, "caf\u00e9", TP});
        assertLeftAlone(new String[] {"GET / HTTP/1.1", "X-Empty", "traceparent"}, new String[] {null, null, TP});
        assertLeftAlone(new String[] {"GET / HTTP/1.1", "traceparent"}, new String[] {"v", TP}); // line 0 with a value
        assertLeftAlone(new String[] {"GET /", "traceparent"}, new String[] {null, TP}); // not a request line
        assertLeftAlone(new String[] {"GET /\u20ac HTTP/1.1", "traceparent"}, new String[] {null, TP});
        StringBuilder longValue = new StringBuilder();
        for (int i = 0; i < HeadLines.MAX_BYTES; i++) {
            longValue.append('x');
        }
        assertLeftAlone(new String[] {"GET / HTTP/1.1", "X-Long", "traceparent"}, new String[] {null, longValue.toString(), TP});
        assertThat(lines.take(work, lock, null, null, 0, out)).isZero();
    }

    void assertLeftAlone(String[] keys, String[] values) {
        String[] before = keys.clone();
        assertThat(lines.take(work, lock, keys, values, keys.length, out)).isZero();
        assertThat(keys).containsExactly(before);
        assertThat(written()).isEmpty();
    }

    static final String[] HEADERS = {"traceparent", TP, "sightline-parent", "b7ad6b7169203331;TOMCAT;app"};

    @Test
    void injectWritesTheRequestLineAndTheTraceHeadersAndTheJdkPrintsTheRest() {
        String[] keys = {"GET /down?id=1 HTTP/1.1", "User-Agent", "Host", "Accept", null};
        String[] values = {null, "Java/17", "svc:81", "*/*", null};
        int taken = lines.inject(work, lock, keys, values, 4, out, HEADERS);
        assertThat(taken).isEqualTo(1);
        assertThat(written() + jdkRest(keys, values, 4)).isEqualTo("GET /down?id=1 HTTP/1.1\r\n"
                + "traceparent: " + TP + "\r\nsightline-parent: b7ad6b7169203331;TOMCAT;app\r\n"
                + "User-Agent: Java/17\r\nHost: svc:81\r\nAccept: */*\r\n\r\n");
        lines.restore(work, lock, keys, taken);
        assertThat(keys).containsExactly("GET /down?id=1 HTTP/1.1", "User-Agent", "Host", "Accept", null);
    }

    @Test
    void injectWithTheHeadersAsLinesWritesTheSameBytes() {
        String[] keys = {"GET /down?id=1 HTTP/1.1", "User-Agent", "Host", "Accept", null};
        String[] values = {null, "Java/17", "svc:81", "*/*", null};
        byte[] asLines = ("traceparent: " + TP + "\r\nsightline-parent: b7ad6b7169203331;TOMCAT;app\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int taken = lines.inject(work, lock, keys, values, 4, out, asLines);
        assertThat(taken).isEqualTo(1);
        String withLines = written() + jdkRest(keys, values, 4);
        lines.restore(work, lock, keys, taken);
        bytes.reset();
        taken = lines.inject(work, lock, keys, values, 4, out, HEADERS);
        assertThat(written() + jdkRest(keys, values, 4)).isEqualTo(withLines);
        lines.restore(work, lock, keys, taken);
        assertThat(keys).containsExactly("GET /down?id=1 HTTP/1.1", "User-Agent", "Host", "Accept", null);
        // lines that do not fit leave the head to the JDK
        assertThat(lines.inject(work, lock, keys, values, 4, out, new byte[HeadLines.MAX_BYTES])).isZero();
        assertThat(lines.inject(work, lock, keys, values, 4, out, (byte[]) null)).isZero();
    }

    @Test
    void injectLeavesAProxysConnectAndAnythingItCannotWriteToTheJdk() {
        String[][] heads = {{"CONNECT svc:443 HTTP/1.1", "Host"}, {"GET /caf\u00e9 HTTP/1.1", "Host"}, {"GET /", "Host"}};
        for (String[] keys : heads) {
            String[] before = keys.clone();
            assertThat(lines.inject(work, lock, keys, new String[] {null, "svc"}, 2, out, HEADERS)).isZero();
            assertThat(keys).containsExactly(before);
        }
        assertThat(written()).isEmpty();
    }

    @Test
    void requestLines() {
        assertThat(HeadLines.isRequestLine("GET /a HTTP/1.1")).isTrue();
        assertThat(HeadLines.isRequestLine("CONNECT h:443 HTTP/1.0")).isTrue();
        assertThat(HeadLines.isRequestLine(" GET /a HTTP/1.1")).isFalse();
        assertThat(HeadLines.isRequestLine("GET /a HTTP/1.1 ")).isFalse();
        assertThat(HeadLines.isRequestLine("GET /a HTTP/0.9")).isFalse();
        assertThat(HeadLines.isRequestLine("GET /a HTTPS1.1")).isFalse();
        assertThat(HeadLines.isRequestLine("HTTP/1.1")).isFalse();
        assertThat(HeadLines.isRequestLine(null)).isFalse();
    }

    @Test
    void leavesTheHeadToTheJdkOnAVirtualThread() throws Exception {
        java.lang.reflect.Method start;
        try {
            start = Thread.class.getMethod("startVirtualThread", Runnable.class);
        } catch (NoSuchMethodException e) {
            Assumptions.abort("no virtual threads on Java " + System.getProperty("java.version"));
            return;
        }
        String[] keys = {"GET /down?id=1 HTTP/1.1", "traceparent", "sightline-parent", "Host", null};
        String[] values = {null, TP, "b7ad6b7169203331;TOMCAT;app", "svc:81", null};
        int[] taken = {-1};
        boolean[] virtual = new boolean[1];
        Thread t = (Thread) start.invoke(null, (Runnable) () -> {
            virtual[0] = HeadLines.isVirtual(Thread.currentThread());
            taken[0] = lines.take(work, lock, keys, values, 4, out);
        });
        t.join(10_000);
        assertThat(virtual[0]).isTrue();
        assertThat(taken[0]).isZero();
        assertThat(written()).isEmpty();
        assertThat(keys).containsExactly("GET /down?id=1 HTTP/1.1", "traceparent", "sightline-parent", "Host", null);
        // the same head on a platform thread is taken
        assertThat(HeadLines.isVirtual(Thread.currentThread())).isFalse();
        assertThat(lines.take(work, lock, keys, values, 4, out)).isEqualTo(3);
        lines.restore(work, lock, keys, 3);
    }
}
