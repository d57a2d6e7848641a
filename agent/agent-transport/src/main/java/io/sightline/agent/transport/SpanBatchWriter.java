package io.sightline.agent.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.CodedOutputStream;

import io.sightline.agent.core.trace.EventRecord;
import io.sightline.agent.core.trace.ExceptionRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;

/**
 * Writes a {@code SpanBatch} (protocol.proto) straight from the recorded spans into one reused
 * byte buffer, without building protobuf message objects: the sender's cost per span is two walks
 * over the records (sizes, then bytes). The bytes are those the generated classes would write
 * for the same batch (fields in number order, defaults left out), so the collector reads them
 * with the generated {@code SpanBatch} parser; {@code SpanEncoder} remains the reference and the
 * tests compare the two.
 */
final class SpanBatchWriter {
    /** A buffer bigger than this is not kept after the batch that needed it. */
    private static final int KEEP_BUFFER = 1 << 20;

    private final MetadataTracker metadata;
    private byte[] buffer = new byte[64 * 1024];
    /** Sizes of spans and events, in the order the write pass meets them. */
    private int[] sizes = new int[1024];
    private int sizeCount;
    /** API and SQL metadata ids of each event, in the same order. */
    private long[] ids = new long[1024];
    private int idCount;
    private final Map<Long, MetadataEntry> pending = new LinkedHashMap<Long, MetadataEntry>();

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

    /** Encodes the batch into {@code into} (its previous bytes are overwritten), not flagged as a first attempt. */
    void write(AgentRef agent, List<SpanRecord> spans, long dropped, Batch into) {
        write(agent, spans, dropped, false, into);
    }

    /**
     * Encodes the batch into {@code into} (its previous bytes are overwritten); {@code firstAttempt}
     * only when none of these spans was ever sent before (SpanBatch.first_attempt).
     */
    void write(AgentRef agent, List<SpanRecord> spans, long dropped, boolean firstAttempt, Batch into) {
        sizeCount = 0;
        idCount = 0;
        pending.clear();
        List<List<EventRecord>> events = new ArrayList<List<EventRecord>>(spans.size());
        int agentSize = agent.getSerializedSize();
        int agentFields = CodedOutputStream.computeStringSize(4, agent.getAgentId())
                + CodedOutputStream.computeStringSize(5, agent.getApplicationName())
                + int64Size(6, agent.getAgentStartTime());
        int total = agentSize > 0 ? CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(agentSize) + agentSize : 0;
        for (SpanRecord s : spans) {
            List<EventRecord> list = s.events();
            events.add(list);
            total += nested(2, spanSize(s, list, agentFields));
        }
        into.metadata.clear();
        into.metadata.addAll(pending.values());
        for (MetadataEntry e : into.metadata) {
            total += CodedOutputStream.computeMessageSize(3, e);
        }
        total += int64Size(4, dropped);
        if (firstAttempt) {
            total += CodedOutputStream.computeBoolSize(5, true);
        }

        byte[] buf = buffer.length >= total ? buffer : new byte[Math.max(total, buffer.length * 2)];
        if (buf.length <= KEEP_BUFFER) {
            buffer = buf;
        }
        CodedOutputStream out = CodedOutputStream.newInstance(buf, 0, total);
        int sizeAt = 0;
        int idAt = 0;
        try {
            if (agentSize > 0) {
                out.writeMessage(1, agent);
            }
            for (int i = 0; i < spans.size(); i++) {
                SpanRecord s = spans.get(i);
                out.writeTag(2, 2);
                out.writeUInt32NoTag(sizes[sizeAt++]);
                writeSpanHead(out, s, agent);
                for (EventRecord e : events.get(i)) {
                    out.writeTag(20, 2);
                    out.writeUInt32NoTag(sizes[sizeAt++]);
                    writeEvent(out, e, ids[idAt], ids[idAt + 1]);
                    idAt += 2;
                }
                writeSpanTail(out, s);
            }
            for (MetadataEntry e : into.metadata) {
                out.writeMessage(3, e);
            }
            if (dropped != 0) {
                out.writeInt64(4, dropped);
            }
            if (firstAttempt) {
                out.writeBool(5, true);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("span batch size miscounted", e);
        }
        into.buffer = buf;
        into.length = total;
        if (sizes.length > 1 << 16) {
            sizes = new int[1024]; // a batch of huge spans does not pin its scratch space
        }
        if (ids.length > 1 << 16) {
            ids = new long[1024];
        }
    }

    // ------------------------------------------------------------------ sizes

    private int spanSize(SpanRecord s, List<EventRecord> list, int agentFields) {
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
        for (EventRecord e : list) {
            n += nested(20, eventSize(e));
        }
        n += int32Size(21, s.droppedEvents())
                + stringSize(22, s.threadName)
                + int32Size(23, s.startMicros);
        sizes[at] = n;
        return n;
    }

    private int eventSize(EventRecord e) {
        int at = push(0);
        long apiId = e.api == null ? 0 : metadata.idOf(MetadataEntry.Kind.API, e.api, pending);
        long sqlId = e.sql == null ? 0 : metadata.idOf(MetadataEntry.Kind.SQL, e.sql, pending);
        pushIds(apiId, sqlId);
        int n = int32Size(1, e.sequence)
                + int32Size(2, e.depth)
                + int32Size(3, e.startOffset)
                + int32Size(4, e.elapsed)
                + stringSize(5, e.serviceType)
                + fixed64Size(6, apiId)
                + fixed64Size(7, sqlId);
        if (e.bindValues != null) {
            for (String v : e.bindValues) {
                n += nested(8, bindSize(v));
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

    private static int bindSize(String v) {
        return v == null ? boolSize(2, true) : stringSize(1, v);
    }

    private static int exceptionField(int field, ExceptionRecord x) {
        return x == null ? 0 : nested(field, exceptionSize(x));
    }

    private static int exceptionSize(ExceptionRecord x) {
        int n = stringSize(1, x.className) + stringSize(2, x.message);
        for (String f : x.frames) {
            n += CodedOutputStream.computeStringSize(3, f);
        }
        return n;
    }

    // ------------------------------------------------------------------ bytes

    private static void writeSpanHead(CodedOutputStream out, SpanRecord s, AgentRef agent) throws IOException {
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

    private static void writeSpanTail(CodedOutputStream out, SpanRecord s) throws IOException {
        int32(out, 21, s.droppedEvents());
        string(out, 22, s.threadName);
        int32(out, 23, s.startMicros);
    }

    private static void writeEvent(CodedOutputStream out, EventRecord e, long apiId, long sqlId) throws IOException {
        int32(out, 1, e.sequence);
        int32(out, 2, e.depth);
        int32(out, 3, e.startOffset);
        int32(out, 4, e.elapsed);
        string(out, 5, e.serviceType);
        fixed64(out, 6, apiId);
        fixed64(out, 7, sqlId);
        if (e.bindValues != null) {
            for (String v : e.bindValues) {
                out.writeTag(8, 2);
                out.writeUInt32NoTag(bindSize(v));
                if (v == null) {
                    out.writeBool(2, true);
                } else {
                    string(out, 1, v);
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
        string(out, 1, x.className);
        string(out, 2, x.message);
        for (String f : x.frames) {
            out.writeString(3, f);
        }
    }

    // ------------------------------------------------------------------ proto3 scalars (defaults omitted)

    private static int nested(int field, int size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static int stringSize(int field, String v) {
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

    private static void string(CodedOutputStream out, int field, String v) throws IOException {
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
