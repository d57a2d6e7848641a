package io.sightline.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;

class DropCollectorTest {
    @Test
    void countsSpansEventsAndBytesWithoutDecodingTheRest() {
        SpanEvent withEverything = SpanEvent.newBuilder().setSequence(1).setDepth(1).setApiId(42).setArgument("http://x/y")
                .setException(ExceptionInfo.newBuilder().setClassName("E").addFrames("f1").addFrames("f2"))
                .build();
        SpanBatch batch = SpanBatch.newBuilder()
                .setAgent(AgentRef.newBuilder().setAgentId("a").setApplicationName("app"))
                .addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(1).setUri("/one")
                        .addEvents(withEverything).addEvents(withEverything).addEvents(SpanEvent.newBuilder().setSequence(3))
                        .setThreadName("t"))
                .addSpans(Span.newBuilder().setSpanId(2).setUri("/two").setException(ExceptionInfo.newBuilder().setClassName("X")))
                .addMetadata(MetadataEntry.newBuilder().setId(42).setKind(MetadataEntry.Kind.API).setValue("call"))
                .setDroppedSpans(7)
                .setFirstAttempt(true)
                .build();
        byte[] bytes = batch.toByteArray();

        DropCollector.Counts c = new DropCollector.CountingMarshaller().parse(new ByteArrayInputStream(bytes));

        assertThat(c.spans).isEqualTo(2);
        assertThat(c.events).isEqualTo(3);
        assertThat(c.bytes).isEqualTo(bytes.length);
    }
}
