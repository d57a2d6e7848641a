package io.sightline.agent.transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;

import io.sightline.agent.core.stats.PoolRecord;
import io.sightline.agent.core.stats.StatRecord;
import io.sightline.agent.core.trace.EventRecord;
import io.sightline.agent.core.trace.ExceptionRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.PoolStat;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanEvent;

/** Converts recorded spans and stats to protocol messages (on the sender thread). */
final class SpanEncoder {
    private final MetadataTracker metadata;

    SpanEncoder(MetadataTracker metadata) {
        this.metadata = metadata;
    }

    void acknowledged(List<MetadataEntry> entries) {
        metadata.acknowledge(entries);
    }

    /** A batch of {@code spans} with the metadata entries the collector may not have yet. */
    SpanBatch batch(AgentRef agent, List<SpanRecord> spans, long dropped) {
        return batch(agent, spans, dropped, false);
    }

    /** As above; {@code firstAttempt}: none of these spans was sent before (SpanBatch.first_attempt). */
    SpanBatch batch(AgentRef agent, List<SpanRecord> spans, long dropped, boolean firstAttempt) {
        Map<Long, MetadataEntry> pending = new LinkedHashMap<Long, MetadataEntry>();
        SpanBatch.Builder b = SpanBatch.newBuilder().setAgent(agent).setDroppedSpans(dropped).setFirstAttempt(firstAttempt);
        for (SpanRecord s : spans) {
            b.addSpans(span(agent, s, pending));
        }
        b.addAllMetadata(pending.values());
        return b.build();
    }

    Span span(AgentRef agent, SpanRecord s, Map<Long, MetadataEntry> pending) {
        Span.Builder b = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(s.traceId))
                .setSpanId(s.spanId)
                .setParentSpanId(s.parentSpanId)
                .setAgentId(agent.getAgentId())
                .setApplicationName(agent.getApplicationName())
                .setAgentStartTime(agent.getAgentStartTime())
                .setServiceType(nz(s.serviceType))
                .setStartTime(s.startTime)
                .setStartMicros(s.startMicros)
                .setElapsed(s.elapsed)
                .setMethod(nz(s.method))
                .setUri(nz(s.uri))
                .setUriTemplate(nz(s.uriTemplate))
                .setClientIp(nz(s.clientIp))
                .setEndpoint(nz(s.endpoint))
                .setStatus(s.status)
                .setError(s.error)
                .setParentApplication(nz(s.parentApplication))
                .setParentServiceType(nz(s.parentServiceType))
                .setThreadName(nz(s.threadName))
                .setDroppedEvents(s.droppedEvents());
        if (s.exception != null) {
            b.setException(exception(s.exception));
        }
        for (EventRecord e : s.events()) {
            b.addEvents(event(e, pending));
        }
        return b.build();
    }

    private SpanEvent event(EventRecord e, Map<Long, MetadataEntry> pending) {
        SpanEvent.Builder b = SpanEvent.newBuilder()
                .setSequence(e.sequence)
                .setDepth(e.depth)
                .setStartOffset(e.startOffset)
                .setElapsed(e.elapsed)
                .setServiceType(nz(e.serviceType))
                .setDestination(nz(e.destination))
                .setArgument(nz(e.argument))
                .setStatus(e.status)
                .setError(e.error)
                .setNextSpanId(e.nextSpanId)
                .setThreadName(nz(e.threadName))
                .setTruncated(e.truncated);
        if (e.api != null) {
            b.setApiId(metadata.idOf(MetadataEntry.Kind.API, e.api, pending));
        }
        if (e.sql != null) {
            b.setSqlId(metadata.idOf(MetadataEntry.Kind.SQL, e.sql, pending));
        }
        if (e.bindValues != null) {
            for (String v : e.bindValues) {
                b.addBindValues(v == null ? BindValue.newBuilder().setNull(true).build()
                        : BindValue.newBuilder().setValue(v).build());
            }
        }
        if (e.exception != null) {
            b.setException(exception(e.exception));
        }
        return b.build();
    }

    static ExceptionInfo exception(ExceptionRecord x) {
        ExceptionInfo.Builder b = ExceptionInfo.newBuilder().setClassName(x.className).setMessage(nz(x.message));
        for (String f : x.frames) {
            b.addFrames(f);
        }
        return b.build();
    }

    static JvmStat stat(StatRecord s) {
        JvmStat.Builder b = JvmStat.newBuilder();
        if (s.pools != null) {
            for (PoolRecord p : s.pools) {
                b.addPools(PoolStat.newBuilder().setName(p.name).setActive(p.active).setIdle(p.idle)
                        .setMax(p.max).setPending(p.pending));
            }
        }
        return b
                .setTimestamp(s.timestamp)
                .setInterval(s.interval)
                .setHeapUsed(s.heapUsed)
                .setHeapMax(s.heapMax)
                .setNonHeapUsed(s.nonHeapUsed)
                .setNonHeapMax(s.nonHeapMax)
                .setGcCount(s.gcCount)
                .setGcTime(s.gcTime)
                .setCpuProcess(s.cpuProcess)
                .setCpuSystem(s.cpuSystem)
                .setThreads(s.threads)
                .setActiveRequests(s.activeRequests)
                .setTps(s.tps)
                .setResponseTimeAvg(s.responseTimeAvg)
                .setDroppedSpans(s.droppedSpans)
                .setDirectBufferUsed(s.directBufferUsed)
                .setLoadedClasses(s.loadedClasses)
                .build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
