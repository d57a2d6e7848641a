package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;

/**
 * With no collector, spans leave the backlog for the sender's encoded queue, and backlog and
 * queue together keep the backlog's capacity: the oldest dropped and counted, the newest sent in
 * order once a collector is there.
 */
class CollectorAwayTest {

    private static final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        final List<SpanBatch> calls = new CopyOnWriteArrayList<SpanBatch>();
        final List<Long> ids = new CopyOnWriteArrayList<Long>();

        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            calls.add(batch);
            for (io.sightline.protocol.v1.Span s : batch.getSpansList()) {
                ids.add(s.getSpanId());
            }
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    /**
     * Spans that arrive while the sender is held up (here in Register, as when a collector comes
     * back slowly) join the backlog; what is sent afterwards is still the newest within capacity.
     */
    @Test
    void spansArrivingWhileTheSenderIsHeldUpCountAgainstTheSameCapacity() throws Exception {
        CountDownLatch inRegister = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Spans spans = new Spans();
        Server server = TestCollector.start(spans, 0, () -> {
            inRegister.countDown();
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(100);
        for (int i = 1; i <= 60; i++) {
            backlog.offer(TestCollector.span(i, "/" + i));
        }
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            assertThat(inRegister.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(backlog.size()).isZero(); // the first 60 wait in the queue
            for (int i = 61; i <= 150; i++) {
                backlog.offer(TestCollector.span(i, "/" + i));
            }
            assertThat(backlog.dropped()).isZero();
            Thread.sleep(2 * GrpcExporter.LINGER_MILLIS); // the queued ones are due as soon as Register returns
            answer.countDown();
            TestCollector.await(() -> spans.ids.size() >= 100);
            TestCollector.await(() -> exporter.sentSpans >= 100);
            List<Long> expected = new ArrayList<Long>();
            for (long i = 51; i <= 150; i++) {
                expected.add(i);
            }
            assertThat(spans.ids).containsExactlyElementsOf(expected);
            assertThat(spans.calls.get(0).getDroppedSpans()).isEqualTo(50);
            assertThat(backlog.dropped()).isEqualTo(50);
        } finally {
            answer.countDown();
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }

    @Test
    void spansWaitEncodedWithinTheBacklogsCapacityAndTheNewestGoOnceACollectorIsThere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(100);
        GrpcExporter exporter = TestCollector.exporter(port, backlog);
        Server server = null;
        try {
            // in two helpings, so that the first waits in the sender's queue when the second comes
            for (int i = 1; i <= 60; i++) {
                backlog.offer(TestCollector.span(i, "/" + i));
            }
            TestCollector.await(() -> backlog.size() == 0);
            assertThat(backlog.dropped()).isZero();
            for (int i = 61; i <= 150; i++) {
                backlog.offer(TestCollector.span(i, "/" + i));
            }
            TestCollector.await(() -> backlog.dropped() == 50 && backlog.size() == 0);

            Spans spans = new Spans();
            server = TestCollector.start(spans, port);
            TestCollector.await(() -> spans.ids.size() >= 100);
            List<Long> expected = new ArrayList<Long>();
            for (long i = 51; i <= 150; i++) {
                expected.add(i);
            }
            assertThat(spans.ids).containsExactlyElementsOf(expected);
            assertThat(spans.calls).extracting(SpanBatch::getDroppedSpans).containsOnly(50L);
            assertThat(spans.calls.get(0).getFirstAttempt()).isTrue();

            // and what comes next goes straight on
            backlog.offer(TestCollector.span(151, "/151"));
            TestCollector.await(() -> spans.ids.size() >= 101);
            assertThat(spans.ids).hasSize(101).endsWith(151L);
            // counted once the answer is read, just after the collector saw the batch
            TestCollector.await(() -> exporter.sentSpans >= 101);
            assertThat(exporter.sentSpans).isEqualTo(101);
        } finally {
            exporter.shutdown(2000);
            if (server != null) {
                server.shutdownNow();
            }
        }
    }
}
