package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;

/**
 * How often the sender calls: a trickle of spans goes in a few calls (one per linger time, not
 * one per span or per tick), each span still reaching the collector within about the linger
 * time; a burst of more than {@link GrpcExporter#SEND_BYTES} goes without waiting for it.
 */
class SenderPacingTest {
    private static final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        final List<Long> callTimes = new CopyOnWriteArrayList<Long>();
        final List<Integer> callSpans = new CopyOnWriteArrayList<Integer>();
        volatile int received;

        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            callTimes.add(System.nanoTime());
            callSpans.add(batch.getSpansCount());
            received += batch.getSpansCount();
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    @Test
    void aTrickleOfSpansGoesInAFewCallsWithinTheLingerTime() throws Exception {
        Spans spans = new Spans();
        Server server = TestCollector.start(spans);
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(1000);
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            // one span, to have the sender registered before the trickle starts
            backlog.offer(TestCollector.span(1, "/first"));
            TestCollector.await(() -> spans.received == 1);
            long start = System.nanoTime();
            long lastOffer = 0;
            for (int i = 0; i < 40; i++) { // 20 a second for 2 s
                lastOffer = System.nanoTime();
                backlog.offer(TestCollector.span(2 + i, "/t-" + i));
                Thread.sleep(50);
            }
            TestCollector.await(() -> spans.received == 41);
            long lastArrival = spans.callTimes.get(spans.callTimes.size() - 1);
            // the last span waited at most the linger time, an idle tick and some slack for a loaded machine
            assertThat((lastArrival - lastOffer) / 1_000_000L)
                    .isLessThan(GrpcExporter.LINGER_MILLIS + GrpcExporter.IDLE_MILLIS + 1500);
            // about one call per linger time, not one per span (40) or per tick
            long seconds = Math.max(1, (lastOffer - start) / 1_000_000_000L);
            assertThat(spans.callTimes.size() - 1).isBetween(2, (int) (2 * seconds + 3));
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }

    @Test
    void aSteadyStreamWakesTheSenderAboutOncePerTickOfSpans() throws Exception {
        Spans spans = new Spans();
        Server server = TestCollector.start(spans);
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(10_000);
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            backlog.offer(TestCollector.span(1, "/first"));
            TestCollector.await(() -> spans.received == 1);
            long wakeUpsBefore = exporter.wakeUps;
            long start = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - start < 2_000_000_000L) { // about 1,000 a second for 2 s
                for (int i = 0; i < 10; i++) {
                    backlog.offer(TestCollector.span(2 + n, "/s-" + n));
                    n++;
                }
                Thread.sleep(10);
            }
            long wakeUps = exporter.wakeUps - wakeUpsBefore;
            int sent = 1 + n;
            TestCollector.await(() -> spans.received == sent);
            // a 20 ms tick would be about 100 wake-ups; ticks of ~TICK_SPANS spans (here the
            // 100 ms cap) about 20, plus a few shortened by a batch falling due
            assertThat(wakeUps).isLessThan(50);
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }

    @Test
    void theBusyTickLastsAboutTickSpansWithinItsBounds() {
        long ms = 1_000_000L;
        int spans = GrpcExporter.tickSpans(10_000);
        assertThat(spans).isEqualTo(GrpcExporter.TICK_SPANS);
        // 1,000 spans a second: 20 in 20 ms, 256 would take 256 ms: the idle tick caps it
        assertThat(GrpcExporter.busyTickMillis(20, 20 * ms, spans)).isEqualTo(GrpcExporter.IDLE_MILLIS);
        // 5,000 a second: 256 take 51 ms
        assertThat(GrpcExporter.busyTickMillis(100, 20 * ms, spans)).isEqualTo(51);
        // 50,000 a second: never shorter than ENCODE_MILLIS
        assertThat(GrpcExporter.busyTickMillis(1000, 20 * ms, spans)).isEqualTo(GrpcExporter.ENCODE_MILLIS);
        // after an idle spell, a burst: its rate, not the idle time, sets the tick
        assertThat(GrpcExporter.busyTickMillis(5000, 100 * ms, spans)).isEqualTo(GrpcExporter.ENCODE_MILLIS);
        assertThat(GrpcExporter.busyTickMillis(1, Long.MAX_VALUE / 2, spans)).isEqualTo(GrpcExporter.IDLE_MILLIS);
    }

    @Test
    void aSmallBacklogKeepsTheTickWhereItCannotFill() {
        long ms = 1_000_000L;
        // the smallest backlog allowed (100): a tick aims at 25 spans
        int spans = GrpcExporter.tickSpans(100);
        assertThat(spans).isEqualTo(25);
        // 1,000 a second: 25 ms, about 25 spans waiting, not the 100 that would fill it
        assertThat(GrpcExporter.busyTickMillis(20, 20 * ms, spans)).isEqualTo(25);
        // faster: the 20 ms tick, as before
        assertThat(GrpcExporter.busyTickMillis(100, 20 * ms, spans)).isEqualTo(GrpcExporter.ENCODE_MILLIS);
        assertThat(GrpcExporter.tickSpans(1)).isEqualTo(1);
    }

    @Test
    void aBurstOverTheSendThresholdDoesNotWaitForTheLingerTime() throws Exception {
        Spans spans = new Spans();
        Server server = TestCollector.start(spans);
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(10_000);
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            backlog.offer(TestCollector.span(1, "/first"));
            TestCollector.await(() -> spans.received == 1);
            char[] tail = new char[1000];
            java.util.Arrays.fill(tail, 'b');
            String pad = new String(tail);
            int n = 2 * GrpcExporter.SEND_BYTES / 1000; // ~2 MB of ~1 KB spans, in ten helpings
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                backlog.offer(TestCollector.span(2 + i, "/b-" + i + pad));
                if (i % (n / 10) == 0) {
                    Thread.sleep(20);
                }
            }
            TestCollector.await(() -> spans.received >= 1 + n / 2);
            long firstBig = spans.callTimes.get(1);
            // sent on bytes, not on age: well before the linger time (unless the machine stalled)
            assertThat((firstBig - start) / 1_000_000L).isLessThan(GrpcExporter.LINGER_MILLIS);
            TestCollector.await(() -> spans.received == 1 + n);
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }
}
