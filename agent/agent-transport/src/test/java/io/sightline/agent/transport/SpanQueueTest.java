package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;

/** The queue of encoded spans: order, batches cut by count and bytes, resends, drops, pages reused. */
class SpanQueueTest {
    private final AgentRef agent = AgentRef.newBuilder().setAgentId("q-1").setApplicationName("q").setAgentStartTime(5L).build();
    private final SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
    private final SpanQueue queue = new SpanQueue();
    private final SpanQueue.Batch batch = new SpanQueue.Batch();

    private int add(int id, int uriLength) {
        char[] tail = new char[uriLength];
        Arrays.fill(tail, 'u');
        SpanRecord s = TestCollector.span(id, "/" + id + "-" + new String(tail));
        return writer.encode(agent, s, queue, id, Integer.MAX_VALUE);
    }

    private SpanBatch take(int maxSpans, long maxBytes, long dropped) throws Exception {
        queue.prepare(batch, maxSpans, maxBytes);
        writer.frame(agent, batch, dropped);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        batch.writeTo(out);
        assertThat(out.size()).isEqualTo(batch.length());
        return SpanBatch.parseFrom(out.toByteArray());
    }

    private static List<Long> ids(SpanBatch b) {
        List<Long> out = new ArrayList<Long>();
        for (Span s : b.getSpansList()) {
            out.add(s.getSpanId());
        }
        return out;
    }

    @Test
    void spansLeaveOldestFirstInBatchesCutByCountAndBytesAcrossPages() throws Exception {
        long total = 0;
        for (int i = 1; i <= 300; i++) {
            total += add(i, 1000); // ~1 KB each: five pages
        }
        assertThat(queue.size()).isEqualTo(300);
        assertThat(queue.bytes()).isEqualTo(total).isGreaterThan(4L * SpanQueue.PAGE_BYTES);
        assertThat(queue.oldestQueuedAt()).isEqualTo(1L);

        SpanBatch first = take(100, Long.MAX_VALUE, 3);
        assertThat(ids(first)).hasSize(100).startsWith(1L, 2L).endsWith(100L);
        assertThat(first.getAgent()).isEqualTo(agent);
        assertThat(first.getDroppedSpans()).isEqualTo(3);
        assertThat(first.getFirstAttempt()).isTrue();
        assertThat(first.getSpans(0).getAgentId()).isEqualTo("q-1");
        queue.sent(batch.spans);
        queue.removeFirst(batch.spans);

        // at most 10 KB of spans: 9 of about 1.05 KB
        SpanBatch second = take(1000, 10_000, 0);
        assertThat(ids(second)).hasSize(9).startsWith(101L).endsWith(109L);
        assertThat(second.hasAgent()).isTrue();
        assertThat(batch.spanBytes).isLessThanOrEqualTo(10_000);
        // a span bigger than the limit still goes, alone
        SpanBatch alone = take(1000, 10, 0);
        assertThat(ids(alone)).containsExactly(101L);

        queue.removeFirst(queue.size());
        assertThat(queue.size()).isZero();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aResendCarriesOnlyTheSpansAlreadySentAndIsNotAFirstAttempt() throws Exception {
        for (int i = 1; i <= 5; i++) {
            add(i, 10);
        }
        SpanBatch first = take(3, Long.MAX_VALUE, 0);
        assertThat(ids(first)).containsExactly(1L, 2L, 3L);
        assertThat(first.getFirstAttempt()).isTrue();
        queue.sent(3); // the call failed
        add(6, 10);

        SpanBatch again = take(1000, Long.MAX_VALUE, 0);
        assertThat(ids(again)).containsExactly(1L, 2L, 3L);
        assertThat(again.getFirstAttempt()).isFalse();
        queue.sent(3);
        queue.removeFirst(3); // acknowledged

        SpanBatch next = take(1000, Long.MAX_VALUE, 0);
        assertThat(ids(next)).containsExactly(4L, 5L, 6L);
        assertThat(next.getFirstAttempt()).isTrue();
    }

    @Test
    void droppingTheOldestForgetsTheirResendMarkAndFreesTheirPages() throws Exception {
        for (int i = 1; i <= 200; i++) {
            add(i, 1000);
        }
        queue.prepare(batch, 150, Long.MAX_VALUE);
        queue.sent(150);
        assertThat(queue.attempted()).isEqualTo(150);
        for (int i = 0; i < 160; i++) {
            queue.dropOldest();
        }
        assertThat(queue.attempted()).isZero();
        assertThat(queue.size()).isEqualTo(40);
        assertThat(queue.oldestQueuedAt()).isEqualTo(161L);
        SpanBatch rest = take(1000, Long.MAX_VALUE, 160);
        assertThat(ids(rest)).hasSize(40).startsWith(161L).endsWith(200L);
        assertThat(rest.getFirstAttempt()).isTrue();
        assertThat(rest.getDroppedSpans()).isEqualTo(160);
        queue.removeFirst(40);
        assertThat(queue.bytes()).isZero();

        // emptied pages are reused: the queue works on as before
        for (int i = 201; i <= 400; i++) {
            add(i, 1000);
        }
        assertThat(ids(take(1000, Long.MAX_VALUE, 0))).hasSize(200).startsWith(201L).endsWith(400L);
    }

    @Test
    void aSpanBiggerThanAPageGetsOneOfItsOwnAndTheStreamReadsTheSameBytesAsItDrains() throws Exception {
        add(1, 10);
        add(2, 3 * SpanQueue.PAGE_BYTES);
        add(3, 10);
        SpanBatch all = take(1000, Long.MAX_VALUE, 2);
        assertThat(ids(all)).containsExactly(1L, 2L, 3L);
        assertThat(all.getSpans(1).getUri()).hasSize(3 * SpanQueue.PAGE_BYTES + 3);

        ByteArrayOutputStream drained = new ByteArrayOutputStream();
        ((io.grpc.Drainable) batch.stream()).drainTo(drained);
        InputStream read = batch.stream();
        assertThat(read.available()).isEqualTo(batch.length());
        ByteArrayOutputStream byPieces = new ByteArrayOutputStream();
        byte[] piece = new byte[777];
        int n;
        byPieces.write(read.read());
        while ((n = read.read(piece, 0, piece.length)) > 0) {
            byPieces.write(piece, 0, n);
        }
        assertThat(byPieces.toByteArray()).isEqualTo(drained.toByteArray());
        assertThat(SpanBatch.parseFrom(drained.toByteArray())).isEqualTo(all);

        queue.removeFirst(3);
        assertThat(queue.bytes()).isZero();
        add(4, 10);
        assertThat(ids(take(1000, Long.MAX_VALUE, 0))).containsExactly(4L);
    }

    @Test
    void aSpanOverTheLimitIsNotQueued() {
        SpanRecord big = TestCollector.span(1, "/" + new String(new char[5000]).replace('\0', 'x'));
        int size = writer.encode(agent, big, queue, 0, 4096);
        assertThat(size).isLessThan(-4096);
        assertThat(queue.size()).isZero();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void emptiedPagesAreKeptForReuseWhileBusyAndLeftToTheGcWhenIdle() throws Exception {
        for (int i = 1; i <= 2500; i++) {
            add(i, 1000); // ~1 KB each: about 38 pages
        }
        queue.removeFirst(queue.size());
        assertThat(queue.sparePages()).isEqualTo(SpanQueue.SPARE_PAGES);
        for (int i = 1; i <= 600; i++) {
            add(i, 1000); // the next busy spell takes pages from the spare ones
        }
        assertThat(queue.sparePages()).isLessThan(SpanQueue.SPARE_PAGES);
        queue.removeFirst(queue.size());
        queue.trimSpare();
        assertThat(queue.sparePages()).isEqualTo(SpanQueue.IDLE_SPARE_PAGES);
    }
}
