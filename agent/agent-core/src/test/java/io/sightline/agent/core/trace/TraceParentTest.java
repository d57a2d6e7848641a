package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sightline.protocol.TraceIds;

class TraceParentTest {
    @Test
    void writtenAsBytesAtAnOffsetIsTheFormattedText() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] traceId = new byte[16];
            r.nextBytes(traceId);
            long spanId = r.nextLong();
            boolean sampled = r.nextBoolean();
            byte[] out = new byte[TraceParent.LENGTH + 5];
            TraceParent.write(out, 3, traceId, spanId, sampled);
            assertThat(new String(out, 3, TraceParent.LENGTH, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isEqualTo(TraceParent.format(traceId, spanId, sampled));
            assertThat(out[2]).isZero();
            assertThat(out[3 + TraceParent.LENGTH]).isZero();
        }
    }

    @Test
    void parentHeaderWrittenAsBytesIsItsValue() {
        ParentHeader h = new ParentHeader("TOMCAT", "my;app");
        assertThat(h.isLatin1()).isTrue();
        for (long spanId : new long[] {1L, -1L, 0x00f067aa0ba902b7L, Long.MIN_VALUE}) {
            byte[] out = new byte[h.length() + 4];
            h.write(out, 2, spanId);
            assertThat(new String(out, 2, h.length(), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(h.value(spanId));
            assertThat(h.value(spanId)).isEqualTo(TraceIds.spanIdHex(spanId) + ";TOMCAT;my;app");
        }
        assertThat(new ParentHeader("TOMCAT", "\u0101pp").isLatin1()).isFalse();
    }

    @Test
    void parsesAValidHeader() {
        TraceParent p = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(TraceIds.hex(p.traceId)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(p.spanId).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(p.sampled).isTrue();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").sampled).isFalse();
    }

    @Test
    void acceptsAFutureVersionWithMoreFields() {
        assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-extra").sampled).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    })
    void refusesInvalidHeaders(String header) {
        assertThat(TraceParent.parse(header)).isNull();
    }

    @Test
    void formatsRoundTrip() {
        byte[] id = Ids.newTraceId();
        long span = Ids.newSpanId();
        TraceParent p = TraceParent.parse(TraceParent.format(id, span, true));
        assertThat(p.traceId).isEqualTo(id);
        assertThat(p.spanId).isEqualTo(span);
        assertThat(TraceParent.format(id, span, false)).endsWith("-00").hasSize(55);
    }

    @Test
    void formatsExactly() {
        byte[] id = new byte[16];
        for (int i = 0; i < 16; i++) {
            id[i] = (byte) (0xf0 + i);
        }
        assertThat(TraceParent.format(id, 0x0123456789abcdefL, true))
                .isEqualTo("00-f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff-0123456789abcdef-01");
    }
}
