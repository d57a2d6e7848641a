package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import org.junit.jupiter.api.Test;

/** The sender flags a batch as a first attempt only the first time its spans go out. */
class FirstAttemptFlagTest {

    /** Collects every Send; fails the first one (as if the collector stored it and the reply got lost). */
    private static final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        final List<SpanBatch> calls = new CopyOnWriteArrayList<SpanBatch>();
        final AtomicInteger toFail = new AtomicInteger(1);

        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            calls.add(batch);
            if (toFail.getAndDecrement() > 0) {
                out.onError(Status.UNAVAILABLE.withDescription("reply lost").asRuntimeException());
                return;
            }
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    private static SpanRecord span(long id) {
        return TestCollector.span(id, "/" + id);
    }

    private static List<String> uris(SpanBatch b) {
        List<String> out = new ArrayList<String>();
        for (io.sightline.protocol.v1.Span s : b.getSpansList()) {
            out.add(s.getUri());
        }
        return out;
    }

    @Test
    void aResendAfterAFailedCallIsNotAFirstAttemptAndTheNextBatchIs() throws Exception {
        Spans spans = new Spans();
        Server server = TestCollector.start(spans);
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(100);
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            backlog.offer(span(1));
            TestCollector.await(() -> spans.calls.size() >= 2);
            // the first call failed (the collector may have stored it): the same spans again, unflagged
            assertThat(uris(spans.calls.get(0))).containsExactly("/1");
            assertThat(spans.calls.get(0).getFirstAttempt()).isTrue();
            assertThat(uris(spans.calls.get(1))).containsExactly("/1");
            assertThat(spans.calls.get(1).getFirstAttempt()).isFalse();
            backlog.offer(span(2));
            TestCollector.await(() -> spans.calls.size() >= 3);
            assertThat(uris(spans.calls.get(2))).containsExactly("/2");
            assertThat(spans.calls.get(2).getFirstAttempt()).isTrue();
            assertThat(spans.calls).hasSize(3);
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }
}
