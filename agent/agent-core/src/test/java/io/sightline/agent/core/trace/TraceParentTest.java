package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sightline.protocol.TraceIds;

class TraceParentTest {
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
