package io.sightline.agent.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedOutputStream;

import io.sightline.agent.core.trace.EventRecord;
import io.sightline.agent.core.trace.ExceptionRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;

/**
 * Writes {@code SpanBatch} bytes (protocol.proto) straight from the recorded spans, without
 * building protobuf message objects. The sender encodes each span on its own as soon as it has
 * ended ({@link #encode}: two walks over the records, sizes then bytes, into the queue's pages),
 * and frames a run of queued spans as one batch when it sends ({@link #frame}: the agent before,
 * the metadata the collector may lack, the drop count and the first-attempt flag after). The bytes
 * are those the generated classes would write for the same batch (fields in number order,
 * defaults left out), so the collector reads them with the generated {@code SpanBatch} parser;
 * {@code SpanEncoder} remains the reference and the tests compare the two.
 */
final class SpanBatchWriter {
    /** A buffer bigger than this is not kept after the batch that needed it. */
    private static final int KEEP_BUFFER = 1 << 20;

    private final MetadataTracker metadata;
    /** Bytes of the texts that repeat from span to span (not bind values or exceptions, which rarely do). */
    private final RepeatedTexts texts = new RepeatedTexts();
    private byte[] buffer = new byte[64 * 1024];
    /** Sizes of spans and events, in the order the write pass meets them. */
    private int[] sizes = new int[1024];
    private int sizeCount;
    /** API and SQL metadata ids of each event, in the same order. */
    private long[] ids = new long[1024];
    private int idCount;
    /** Texts the span being encoded refers to that the collector does not have yet. */
    private final List<MetadataTracker.Text> needs = new ArrayList<MetadataTracker.Text>();
    private MetadataTracker.Text[] lastNeeds;
    private AgentRef agent;
    private int agentSize;
    private int agentFields;
    /** For {@link #write}: its spans go through a queue of their own, as the sender's do. */
    private SpanQueue scratch;
    private SpanQueue.Batch scratchBatch;

    /** What {@link #write} produced: the bytes are {@code buffer[0, length)}, valid until the next write. */
    static final class Batch {
        byte[] buffer;
        int length;
        final List<MetadataEntry> metadata = new ArrayList<MetadataEntry>();
    }

    SpanBatchWriter(MetadataTracker metadata) {
        this.metadata = metadata;
    }

    void acknowledged(List<MetadataEntry> entries) {
        metadata.acknowledge(entries);
    }

    /** The collector has the texts of this batch. */
    void acknowledged(SpanQueue.Batch batch) {
        for (MetadataTracker.Text t : batch.texts) {
            metadata.acknowledge(t);
        }
    }

    /**
     * Encodes one finished span at the end of {@code into}; returns the bytes it takes there, or,
     * when it would take more than {@code maxBytes}, minus that size, leaving the queue as it was.
     * The span was taken out of the backlog by this thread, or finished on it (see
     * {@link SpanRecord#orderedEventsAfterHandOff()}).
     */
    int encode(AgentRef agent, SpanRecord s, SpanQueue into, long now, int maxBytes) {
        useAgent(agent);
        sizeCount = 0;
        idCount = 0;
        needs.clear();
        List<EventRecord> list = s.orderedEventsAfterHandOff();
        int dropped = s.droppedEventsAfterHandOff();
        int n = spanSize(s, list, dropped, agentFields);
        int total = nested(2, n);
        if (total > maxBytes) {
            return -total;
        }
        byte[] buf = into.reserve(total);
        CodedOutputStream out = CodedOutputStream.newInstance(buf, into.position(), total);
        try {
            out.writeTag(2, 2);
            out.writeUInt32NoTag(n);
            writeSpanHead(out, s, agent);
            int sizeAt = 1;
            int idAt = 0;
            for (int i = 0, size = list.size(); i < size; i++) {
                out.writeTag(20, 2);
                out.writeUInt32NoTag(sizes[sizeAt++]);
                writeEvent(out, list.get(i), ids[idAt], ids[idAt + 1]);
                idAt += 2;
            }
            writeSpanTail(out, s, dropped);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("span size miscounted", e);
        }
        into.commit(total, now, needsOfSpan());
        if (sizes.length > 1 << 16) {
            sizes = new int[1024]; // a span of many events does not pin its scratch space
        }
        if (ids.length > 1 << 16) {
            ids = new long[1024];
        }
        return total;
    }

    /**
     * The texts the span just encoded needs, as an array its queue entry keeps. Spans of the same
     * requests need the same texts (all of them, while no collector has answered): they share
     * the previous span's array when it holds the same.
     */
    private MetadataTracker.Text[] needsOfSpan() {
        int n = needs.size();
        if (n == 0) {
            return null;
        }
        MetadataTracker.Text[] last = lastNeeds;
        if (last != null && last.length == n) {
            boolean same = true;
            for (int i = 0; i < n && same; i++) {
                same = last[i] == needs.get(i);
            }
            if (same) {
                return last;
            }
        }
        lastNeeds = needs.toArray(new MetadataTracker.Text[n]);
        return lastNeeds;
    }

    /**
     * Writes the header and trailer of {@code batch} (spans put in by {@link SpanQueue#prepare}):
     * the metadata entries its spans need that the collector has not acknowledged since they were
     * encoded, the drop count, and the first-attempt flag the queue worked out.
     */
    void frame(AgentRef agent, SpanQueue.Batch batch, long dropped) {
        useAgent(agent);
        if (batch.head.length < agentSize + 6) {
            batch.head = new byte[agentSize + 6];
        }
        batch.headLength = agentSize > 0 ? CodedOutputStream.computeMessageSize(1, agent) : 0;
        // the texts acknowledged since their spans were encoded are left out
        for (int i = batch.texts.size() - 1; i >= 0; i--) {
            if (batch.texts.get(i).acknowledged) {
                batch.texts.remove(i);
            }
        }
        int tail = 0;
        for (MetadataTracker.Text t : batch.texts) {
            tail += CodedOutputStream.computeMessageSize(3, t.entry());
        }
        tail += int64Size(4, dropped) + boolSize(5, batch.firstAttempt);
        if (batch.tail.length < tail || batch.tail.length > KEEP_BUFFER) {
            batch.tail = new byte[Math.max(tail, 256)];
        }
        batch.tailLength = tail;
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(batch.head, 0, batch.headLength);
            if (agentSize > 0) {
                out.writeMessage(1, agent);
            }
            out.checkNoSpaceLeft();
            out = CodedOutputStream.newInstance(batch.tail, 0, tail);
            for (MetadataTracker.Text t : batch.texts) {
                out.writeMessage(3, t.entry());
            }
            int64(out, 4, dropped);
            bool(out, 5, batch.firstAttempt);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("span batch size miscounted", e);
        }
    }

    private void useAgent(AgentRef a) {
        if (a != agent) {
            agent = a;
            agentSize = a.getSerializedSize();
            agentFields = CodedOutputStream.computeStringSize(4, a.getAgentId())
                    + CodedOutputStream.computeStringSize(5, a.getApplicationName())
                    + int64Size(6, a.getAgentStartTime());
        }
    }

    /** Encodes the batch into {@code into} (its previous bytes are overwritten), not flagged as a first attempt. */
    void write(AgentRef agent, List<SpanRecord> spans, long dropped, Batch into) {
        write(agent, spans, dropped, false, into);
    }

    /**
     * Encodes the batch into {@code into} (its previous bytes are overwritten); {@code firstAttempt}
     * only when none of these spans was ever sent before (SpanBatch.first_attempt). The same
     * bytes as the sender's queue and frame produce, in one buffer.
     */
    void write(AgentRef agent, List<SpanRecord> spans, long dropped, boolean firstAttempt, Batch into) {
        if (scratch == null) {
            scratch = new SpanQueue();
            scratchBatch = new SpanQueue.Batch();
        }
        for (SpanRecord s : spans) {
            encode(agent, s, scratch, 0, Integer.MAX_VALUE);
        }
        if (firstAttempt) {
            scratch.prepare(scratchBatch, Integer.MAX_VALUE, Long.MAX_VALUE);
        } else {
            scratch.sent(scratch.size());
            scratch.prepare(scratchBatch, Integer.MAX_VALUE, Long.MAX_VALUE);
        }
        frame(agent, scratchBatch, dropped);
        int total = scratchBatch.length();
        byte[] buf = buffer.length >= total ? buffer : new byte[Math.max(total, buffer.length * 2)];
        if (buf.length <= KEEP_BUFFER) {
            buffer = buf;
        }
        final byte[] target = buf;
        try {
            scratchBatch.writeTo(new java.io.OutputStream() {
                private int at;

                @Override
                public void write(int b) {
                    target[at++] = (byte) b;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    System.arraycopy(b, off, target, at, len);
                    at += len;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        into.buffer = buf;
        into.length = total;
        into.metadata.clear();
        for (MetadataTracker.Text t : scratchBatch.texts) {
            into.metadata.add(t.entry());
        }
        scratch.removeFirst(scratch.size());
        scratchBatch.clear();
    }

    // ------------------------------------------------------------------ sizes

    private int spanSize(SpanRecord s, List<EventRecord> list, int droppedEvents, int agentFields) {
        int at = push(0);
        int n = CodedOutputStream.computeByteArraySize(1, s.traceId)
                + fixed64Size(2, s.spanId)
                + fixed64Size(3, s.parentSpanId)
                + agentFields
                + stringSize(7, s.serviceType)
                + int64Size(8, s.startTime)
                + int32Size(9, s.elapsed)
                + stringSize(10, s.method)
                + stringSize(11, s.uri)
                + stringSize(12, s.uriTemplate)
                + stringSize(13, s.clientIp)
                + stringSize(14, s.endpoint)
                + int32Size(15, s.status)
                + boolSize(16, s.error)
                + exceptionField(17, s.exception)
                + stringSize(18, s.parentApplication)
                + stringSize(19, s.parentServiceType);
        for (int i = 0, size = list.size(); i < size; i++) {
            n += nested(20, eventSize(list.get(i)));
        }
        n += int32Size(21, droppedEvents)
                + stringSize(22, s.threadName)
                + int32Size(23, s.startMicros);
        sizes[at] = n;
        return n;
    }

    private int eventSize(EventRecord e) {
        int at = push(0);
        long apiId = e.api == null ? 0 : idOf(MetadataEntry.Kind.API, e.api);
        long sqlId = e.sql == null ? 0 : idOf(MetadataEntry.Kind.SQL, e.sql);
        pushIds(apiId, sqlId);
        int n = int32Size(1, e.sequence)
                + int32Size(2, e.depth)
                + int32Size(3, e.startOffset)
                + int32Size(4, e.elapsed)
                + stringSize(5, e.serviceType)
                + fixed64Size(6, apiId)
                + fixed64Size(7, sqlId);
        List<String> binds = e.bindValues;
        if (binds != null) {
            for (int i = 0, size = binds.size(); i < size; i++) {
                n += nested(8, bindSize(binds.get(i)));
            }
        }
        n += stringSize(9, e.destination)
                + stringSize(10, e.argument)
                + int32Size(11, e.status)
                + boolSize(12, e.error)
                + exceptionField(13, e.exception)
                + fixed64Size(14, e.nextSpanId)
                + stringSize(15, e.threadName)
                + boolSize(16, e.truncated);
        sizes[at] = n;
        return n;
    }

    private long idOf(MetadataEntry.Kind kind, String text) {
        MetadataTracker.Text t = metadata.textOf(kind, text);
        if (!t.acknowledged && !needs.contains(t)) {
            needs.add(t);
        }
        return t.id;
    }

    private static int bindSize(String v) {
        return v == null ? boolSize(2, true) : plainStringSize(1, v);
    }

    private static int exceptionField(int field, ExceptionRecord x) {
        return x == null ? 0 : nested(field, exceptionSize(x));
    }

    private static int exceptionSize(ExceptionRecord x) {
        int n = plainStringSize(1, x.className) + plainStringSize(2, x.message);
        for (String f : x.frames) {
            n += CodedOutputStream.computeStringSize(3, f);
        }
        return n;
    }

    // ------------------------------------------------------------------ bytes

    private void writeSpanHead(CodedOutputStream out, SpanRecord s, AgentRef agent) throws IOException {
        out.writeByteArray(1, s.traceId);
        fixed64(out, 2, s.spanId);
        fixed64(out, 3, s.parentSpanId);
        string(out, 4, agent.getAgentId());
        string(out, 5, agent.getApplicationName());
        int64(out, 6, agent.getAgentStartTime());
        string(out, 7, s.serviceType);
        int64(out, 8, s.startTime);
        int32(out, 9, s.elapsed);
        string(out, 10, s.method);
        string(out, 11, s.uri);
        string(out, 12, s.uriTemplate);
        string(out, 13, s.clientIp);
        string(out, 14, s.endpoint);
        int32(out, 15, s.status);
        bool(out, 16, s.error);
        exception(out, 17, s.exception);
        string(out, 18, s.parentApplication);
        string(out, 19, s.parentServiceType);
    }

    private void writeSpanTail(CodedOutputStream out, SpanRecord s, int droppedEvents) throws IOException {
        int32(out, 21, droppedEvents);
        string(out, 22, s.threadName);
        int32(out, 23, s.startMicros);
    }

    private void writeEvent(CodedOutputStream out, EventRecord e, long apiId, long sqlId) throws IOException {
        int32(out, 1, e.sequence);
        int32(out, 2, e.depth);
        int32(out, 3, e.startOffset);
        int32(out, 4, e.elapsed);
        string(out, 5, e.serviceType);
        fixed64(out, 6, apiId);
        fixed64(out, 7, sqlId);
        List<String> binds = e.bindValues;
        if (binds != null) {
            for (int i = 0, size = binds.size(); i < size; i++) {
                String v = binds.get(i);
                out.writeTag(8, 2);
                out.writeUInt32NoTag(bindSize(v));
                if (v == null) {
                    out.writeBool(2, true);
                } else {
                    plainString(out, 1, v);
                }
            }
        }
        string(out, 9, e.destination);
        string(out, 10, e.argument);
        int32(out, 11, e.status);
        bool(out, 12, e.error);
        exception(out, 13, e.exception);
        fixed64(out, 14, e.nextSpanId);
        string(out, 15, e.threadName);
        bool(out, 16, e.truncated);
    }

    private static void exception(CodedOutputStream out, int field, ExceptionRecord x) throws IOException {
        if (x == null) {
            return;
        }
        out.writeTag(field, 2);
        out.writeUInt32NoTag(exceptionSize(x));
        plainString(out, 1, x.className);
        plainString(out, 2, x.message);
        for (String f : x.frames) {
            out.writeString(3, f);
        }
    }

    // ------------------------------------------------------------------ proto3 scalars (defaults omitted)

    private static int nested(int field, int size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    /** A text that may repeat from span to span (see {@link RepeatedTexts}); {@link #string} writes it. */
    private int stringSize(int field, String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        byte[] b = texts.sized(v);
        return b != null ? CodedOutputStream.computeByteArraySize(field, b) : CodedOutputStream.computeStringSize(field, v);
    }

    /** A text that seldom repeats (a bind value, an exception's). */
    private static int plainStringSize(int field, String v) {
        return v == null || v.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, v);
    }

    private static int int32Size(int field, int v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt32Size(field, v);
    }

    private static int int64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt64Size(field, v);
    }

    private static int fixed64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeFixed64Size(field, v);
    }

    private static int boolSize(int field, boolean v) {
        return v ? CodedOutputStream.computeBoolSize(field, true) : 0;
    }

    private void string(CodedOutputStream out, int field, String v) throws IOException {
        if (v != null && !v.isEmpty()) {
            byte[] b = texts.known(v);
            if (b != null) {
                out.writeByteArray(field, b); // a string is written as its UTF-8 bytes: the same wire format
            } else {
                out.writeString(field, v);
            }
        }
    }

    private static void plainString(CodedOutputStream out, int field, String v) throws IOException {
        if (v != null && !v.isEmpty()) {
            out.writeString(field, v);
        }
    }

    private static void int32(CodedOutputStream out, int field, int v) throws IOException {
        if (v != 0) {
            out.writeInt32(field, v);
        }
    }

    private static void int64(CodedOutputStream out, int field, long v) throws IOException {
        if (v != 0) {
            out.writeInt64(field, v);
        }
    }

    private static void fixed64(CodedOutputStream out, int field, long v) throws IOException {
        if (v != 0) {
            out.writeFixed64(field, v);
        }
    }

    private static void bool(CodedOutputStream out, int field, boolean v) throws IOException {
        if (v) {
            out.writeBool(field, true);
        }
    }

    private int push(int v) {
        if (sizeCount == sizes.length) {
            sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
        }
        sizes[sizeCount] = v;
        return sizeCount++;
    }

    private void pushIds(long api, long sql) {
        if (idCount + 2 > ids.length) {
            ids = java.util.Arrays.copyOf(ids, ids.length * 2);
        }
        ids[idCount++] = api;
        ids[idCount++] = sql;
    }
}
