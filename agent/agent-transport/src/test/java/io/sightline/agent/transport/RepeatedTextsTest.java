package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RepeatedTextsTest {
    @Test
    void aTextIsEncodedOnItsSecondSightingAndKnownFromThen() {
        RepeatedTexts texts = new RepeatedTexts();
        String uri = new String("/caf\u00e9/\u2603");
        assertThat(texts.sized(uri)).isNull();
        assertThat(texts.known(uri)).isNull();
        byte[] second = texts.sized(uri);
        assertThat(second).isEqualTo(uri.getBytes(StandardCharsets.UTF_8));
        assertThat(texts.known(uri)).isSameAs(second);
        assertThat(texts.sized(uri)).isSameAs(second);
    }

    @Test
    void anEqualTextInAnotherObjectIsAMissAndTakesTheSlot() {
        RepeatedTexts texts = new RepeatedTexts();
        String a = new String("http-nio-8080-exec-1");
        String b = new String("http-nio-8080-exec-1");
        texts.sized(a);
        assertThat(texts.sized(a)).isNotNull();
        assertThat(texts.known(b)).isNull();
        assertThat(texts.sized(b)).isNull(); // same hash, same slot: b replaces a
        assertThat(texts.known(a)).isNull();
        assertThat(texts.sized(b)).isNotNull();
    }

    @Test
    void longTextsAreNeverKept() {
        RepeatedTexts texts = new RepeatedTexts();
        String sql = "x".repeat(RepeatedTexts.MAX_CHARS + 1);
        assertThat(texts.sized(sql)).isNull();
        assertThat(texts.sized(sql)).isNull();
        assertThat(texts.known(sql)).isNull();
    }
}
