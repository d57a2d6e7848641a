package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Big spans are sent in calls of at most MAX_BATCH_BYTES; a span no collector would take is dropped and counted, the rest flow on. */
class BatchBytesCapTest {

    private static final class Spans extends SpanServiceGrpc.SpanServiceImplBase {
        final List<SpanBatch> calls = new CopyOnWriteArrayList<SpanBatch>();
        final List<String> uris = new CopyOnWriteArrayList<String>();

        @Override
        public void send(SpanBatch batch, StreamObserver<BatchAck> out) {
            calls.add(batch);
            for (io.sightline.protocol.v1.Span s : batch.getSpansList()) {
                uris.add(s.getUri().substring(0, s.getUri().indexOf('-')));
            }
            out.onNext(BatchAck.newBuilder().setAccepted(batch.getSpansCount()).build());
            out.onCompleted();
        }
    }

    private static String uri(int n, int length) {
        char[] tail = new char[length];
        Arrays.fill(tail, 'x');
        return "/" + n + "-" + new String(tail);
    }

    @Test
    void bigSpansGoInCallsUnderTheCapAndAnUnsendableSpanIsDroppedAndCounted() throws Exception {
        Spans spans = new Spans();
        Server server = TestCollector.start(spans);
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(100);
        // queued before the sender starts, so they leave as one batch of 31 (~9.3 MB, plus a 16 MB span)
        List<String> expected = new ArrayList<String>();
        for (int i = 1; i <= 30; i++) {
            backlog.offer(TestCollector.span(i, uri(i, 300_000)));
            expected.add("/" + i);
        }
        backlog.offer(TestCollector.span(31, uri(31, 16 * 1024 * 1024)));
        backlog.offer(TestCollector.span(32, uri(32, 10)));
        expected.add("/32");
        GrpcExporter exporter = TestCollector.exporter(server, backlog);
        try {
            TestCollector.await(() -> spans.uris.size() >= 31);
            assertThat(spans.uris).containsExactlyElementsOf(expected);
            assertThat(spans.calls.size()).isGreaterThanOrEqualTo(3);
            for (SpanBatch call : spans.calls) {
                assertThat(call.getSerializedSize()).isLessThanOrEqualTo(GrpcExporter.MAX_BATCH_BYTES);
            }
            assertThat(backlog.dropped()).isEqualTo(1);
        } finally {
            exporter.shutdown(2000);
            server.shutdownNow();
        }
    }
}
