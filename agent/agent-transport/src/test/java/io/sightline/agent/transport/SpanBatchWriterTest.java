package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.trace.EventRecord;
import io.sightline.agent.core.trace.ExceptionRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.SpanBatch;

class SpanBatchWriterTest {
    private final AgentRef agent = AgentRef.newBuilder().setAgentId("shop-1").setApplicationName("shop")
            .setAgentStartTime(1_700_000_000_000L).build();

    @Test
    void writesTheSameBytesAsTheGeneratedClasses() throws Exception {
        List<SpanRecord> spans = Arrays.asList(fullSpan(1), plainSpan(), fullSpan(2));
        SpanBatch reference = new SpanEncoder(new MetadataTracker(100)).batch(agent, spans, 7);

        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanBatchWriter.Batch out = new SpanBatchWriter.Batch();
        writer.write(agent, spans, 7, out);

        byte[] bytes = Arrays.copyOf(out.buffer, out.length);
        assertThat(bytes).isEqualTo(reference.toByteArray());
        SpanBatch parsed = SpanBatch.parseFrom(bytes);
        assertThat(parsed).isEqualTo(reference);
        assertThat(parsed.getSpans(0).getEvents(0).getBindValuesList()).extracting("value", "null")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("42", false),
                        org.assertj.core.groups.Tuple.tuple("", true),
                        org.assertj.core.groups.Tuple.tuple("", false),
                        org.assertj.core.groups.Tuple.tuple("Zürich \u2603 \uD83D\uDE00", false));
        assertThat(out.metadata).extracting(MetadataEntry::getValue)
                .containsExactly("PreparedStatement.executeQuery", "select name from items where id = ?",
                        "HttpURLConnection GET");
        assertThat(parsed.getSpans(0).getEvents(0).getSqlId())
                .isEqualTo(MetadataIds.of(MetadataEntry.Kind.SQL.getNumber(), "select name from items where id = ?"));
    }

    @Test
    void aFirstAttemptIsFlaggedAndOnlyWhenAsked() throws Exception {
        List<SpanRecord> spans = Arrays.asList(fullSpan(1), plainSpan());
        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanBatchWriter.Batch out = new SpanBatchWriter.Batch();
        writer.write(agent, spans, 2, true, out);
        SpanBatch first = SpanBatch.parseFrom(Arrays.copyOf(out.buffer, out.length));
        assertThat(Arrays.copyOf(out.buffer, out.length))
                .isEqualTo(new SpanEncoder(new MetadataTracker(100)).batch(agent, spans, 2, true).toByteArray());
        assertThat(first.getFirstAttempt()).isTrue();
        writer.write(agent, spans, 2, false, out);
        SpanBatch again = SpanBatch.parseFrom(Arrays.copyOf(out.buffer, out.length));
        assertThat(again.getFirstAttempt()).isFalse();
        assertThat(again).isEqualTo(first.toBuilder().clearFirstAttempt().build());
    }

    @Test
    void acknowledgedMetadataIsNotSentAgainAndTheBufferIsReused() throws Exception {
        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanBatchWriter.Batch out = new SpanBatchWriter.Batch();
        writer.write(agent, List.of(fullSpan(1)), 0, out);
        assertThat(out.metadata).hasSize(3);
        byte[] first = out.buffer;
        // not acknowledged: sent again with the next batch
        writer.write(agent, List.of(fullSpan(2)), 0, out);
        assertThat(out.metadata).hasSize(3);
        writer.acknowledged(out.metadata);
        List<SpanRecord> third = List.of(fullSpan(3));
        writer.write(agent, third, 0, out);
        assertThat(out.metadata).isEmpty();
        assertThat(out.buffer).isSameAs(first);
        SpanBatch parsed = SpanBatch.parseFrom(Arrays.copyOf(out.buffer, out.length));
        assertThat(parsed.getMetadataCount()).isZero();
        assertThat(parsed.getSpans(0).getEventsCount()).isEqualTo(3);
        assertThat(parsed).isEqualTo(new SpanEncoder(acknowledgedTracker(out, writer)).batch(agent, third, 0));
    }

    @Test
    void aBatchBiggerThanTheBufferGetsABiggerOne() throws Exception {
        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanBatchWriter.Batch out = new SpanBatchWriter.Batch();
        List<SpanRecord> many = new ArrayList<SpanRecord>();
        for (int i = 0; i < 400; i++) {
            many.add(fullSpan(i));
        }
        writer.write(agent, many, 3, out);
        SpanBatch reference = new SpanEncoder(new MetadataTracker(100)).batch(agent, many, 3);
        assertThat(out.length).isGreaterThan(64 * 1024);
        assertThat(Arrays.copyOf(out.buffer, out.length)).isEqualTo(reference.toByteArray());
    }

    @Test
    void spansEncodedOneByOneAndFramedMakeTheBatchOfTheGeneratedClasses() throws Exception {
        List<SpanRecord> spans = Arrays.asList(fullSpan(1), plainSpan(), fullSpan(2));
        SpanBatch reference = new SpanEncoder(new MetadataTracker(100)).batch(agent, spans, 7, true);
        SpanQueue.Batch batch = encodedOneByOne(spans, 7);

        assertThat(bytes(batch)).isEqualTo(reference.toByteArray());
        assertThat(batch.spans).isEqualTo(3);
        assertThat(batch.texts).extracting(t -> t.value).containsExactly("PreparedStatement.executeQuery",
                "select name from items where id = ?", "HttpURLConnection GET");
    }

    /**
     * Texts shared by many spans are written from kept bytes, and more distinct texts than the
     * table has slots evict each other, sometimes between the sizing and the writing pass of one
     * span: the batch is still byte for byte the generated classes' one.
     */
    @Test
    void repeatedAndCollidingTextsMakeTheSameBytes() throws Exception {
        String[] threads = new String[RepeatedTexts.SLOTS * 2];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = "worker-\u00fc-" + i;
        }
        String uri = new String("/caf\u00e9/\u2603/\uD83D\uDE00");
        List<SpanRecord> spans = new ArrayList<SpanRecord>();
        for (int i = 0; i < 3000; i++) {
            SpanRecord s = new SpanRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) i}, i + 1L, 0L,
                    true, 1_700_000_000_123_456L, System.nanoTime(), "TOMCAT", "GET", uri, null, "shop:8080", null, null,
                    threads[(i * 7) % threads.length], 2000);
            EventRecord e = s.beginEvent(System.nanoTime(), null);
            e.serviceType = "HTTP_CLIENT";
            e.api = "HttpURLConnection GET";
            e.destination = threads[(i * 13) % threads.length];
            e.threadName = threads[(i * 7 + 1) % threads.length];
            s.endEvent(e, System.nanoTime());
            s.finish(System.nanoTime());
            spans.add(s);
        }
        SpanBatch reference = new SpanEncoder(new MetadataTracker(100)).batch(agent, spans, 0, true);
        SpanQueue.Batch batch = encodedOneByOne(spans, 0);
        assertThat(batch.spans).isEqualTo(3000);
        assertThat(bytes(batch)).isEqualTo(reference.toByteArray());
    }

    @Test
    void textsAcknowledgedAfterASpanWasEncodedAreLeftOutOfItsBatchAndLaterSpansNeedNone() throws Exception {
        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanQueue queue = new SpanQueue();
        SpanQueue.Batch batch = new SpanQueue.Batch();
        writer.encode(agent, fullSpan(1), queue, 0, Integer.MAX_VALUE);
        // another batch had the API text acknowledged meanwhile
        writer.acknowledged(List.of(MetadataEntry.newBuilder().setKind(MetadataEntry.Kind.API)
                .setId(MetadataIds.of(MetadataEntry.Kind.API.getNumber(), "PreparedStatement.executeQuery"))
                .setValue("PreparedStatement.executeQuery").build()));
        writer.encode(agent, fullSpan(2), queue, 0, Integer.MAX_VALUE);
        queue.prepare(batch, 1000, Long.MAX_VALUE);
        writer.frame(agent, batch, 0);
        SpanBatch parsed = SpanBatch.parseFrom(bytes(batch));
        assertThat(parsed.getMetadataList()).extracting(MetadataEntry::getValue)
                .containsExactly("select name from items where id = ?", "HttpURLConnection GET");
        assertThat(parsed.getSpansCount()).isEqualTo(2);
        writer.acknowledged(batch);
        queue.removeFirst(batch.spans);

        SpanRecord third = fullSpan(3);
        writer.encode(agent, third, queue, 0, Integer.MAX_VALUE);
        queue.prepare(batch, 1000, Long.MAX_VALUE);
        writer.frame(agent, batch, 0);
        assertThat(batch.texts).isEmpty();
        assertThat(SpanBatch.parseFrom(bytes(batch))).isEqualTo(
                new SpanEncoder(acknowledgedTracker(null, writer)).batch(agent, List.of(third), 0, true));
    }

    private static byte[] bytes(SpanQueue.Batch batch) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        batch.writeTo(out);
        assertThat(out.size()).isEqualTo(batch.length());
        return out.toByteArray();
    }

    /** The sender's way: each span encoded into a queue as it ends, then all of them framed as one batch. */
    private SpanQueue.Batch encodedOneByOne(List<SpanRecord> spans, long dropped) {
        SpanBatchWriter writer = new SpanBatchWriter(new MetadataTracker(100));
        SpanQueue queue = new SpanQueue();
        for (SpanRecord s : spans) {
            writer.encode(agent, s, queue, 0, Integer.MAX_VALUE);
        }
        SpanQueue.Batch batch = new SpanQueue.Batch();
        queue.prepare(batch, spans.size(), Long.MAX_VALUE);
        writer.frame(agent, batch, dropped);
        return batch;
    }

    private static MetadataTracker acknowledgedTracker(SpanBatchWriter.Batch out, SpanBatchWriter writer) {
        MetadataTracker t = new MetadataTracker(100);
        LinkedHashMap<Long, MetadataEntry> pending = new LinkedHashMap<Long, MetadataEntry>();
        t.idOf(MetadataEntry.Kind.API, "PreparedStatement.executeQuery", pending);
        t.idOf(MetadataEntry.Kind.SQL, "select name from items where id = ?", pending);
        t.idOf(MetadataEntry.Kind.API, "HttpURLConnection GET", pending);
        t.acknowledge(pending.values());
        return t;
    }

    private static SpanRecord plainSpan() {
        SpanRecord s = new SpanRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 99L, 0L, true,
                1_700_000_000_123_456L, System.nanoTime(), "TOMCAT", "GET", "/", null, null, null, null, "main", 2000);
        s.status = 200;
        s.finish(System.nanoTime());
        return s;
    }

    private static SpanRecord fullSpan(int n) {
        long now = System.nanoTime();
        SpanRecord s = new SpanRecord(new byte[] {(byte) n, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 0x80},
                -5L - n, 1234567L, true, 1_700_000_000_123_456L + n, now - 5_000_000, "TOMCAT", "POST", "/orders/" + n,
                "10.0.0.1", "shop:8080", "gateway", "TOMCAT", "http-nio-8080-exec-" + n, 2000);
        EventRecord sql = s.beginEvent(now - 4_000_000, null);
        sql.serviceType = "H2";
        sql.api = "PreparedStatement.executeQuery";
        sql.sql = "select name from items where id = ?";
        sql.destination = "bench";
        sql.bindValues = Arrays.asList("42", null, "", "Zürich \u2603 \uD83D\uDE00");
        sql.truncated = true;
        s.endEvent(sql, now - 3_000_000);
        EventRecord http = s.beginEvent(now - 2_000_000, null);
        http.serviceType = "HTTP_CLIENT";
        http.api = "HttpURLConnection GET";
        http.destination = "inventory:8081";
        http.argument = "http://inventory:8081/stock";
        http.status = 503;
        http.error = true;
        http.nextSpanId = Long.MIN_VALUE + n;
        http.threadName = "pool-1-thread-1";
        http.exception = ExceptionRecord.of(new java.io.IOException("Server returned 503"), 5);
        s.endEvent(http, now - 1_000_000);
        EventRecord failed = s.beginEvent(now - 900_000, null);
        failed.serviceType = "H2";
        failed.api = "PreparedStatement.executeQuery";
        failed.sql = "select name from items where id = ?";
        failed.exception = ExceptionRecord.of(new IllegalStateException(), 5);
        failed.error = true;
        s.endEvent(failed, now);
        s.status = 500;
        s.error = true;
        s.uriTemplate = "/orders/{id}";
        s.exception = ExceptionRecord.of(new RuntimeException("boom ü"), 5);
        s.finish(now);
        return s;
    }
}
