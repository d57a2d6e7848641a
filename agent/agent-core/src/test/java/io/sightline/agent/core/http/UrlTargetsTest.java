package io.sightline.agent.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlTargetsTest {
    @Test
    void sameAnswerAsParsingAndTheSameArrayTheSecondTime() {
        UrlTargets targets = new UrlTargets(10);
        String[] first = targets.of("https://user:secret@API.Example.com/v1/items?token=abc#top");
        assertThat(first).containsExactly("api.example.com:443", "https://api.example.com:443/v1/items");
        assertThat(targets.of(new String("https://user:secret@API.Example.com/v1/items?token=abc#top"))).isSameAs(first);
        assertThat(targets.of("not a url")).containsExactly(null, null);
        assertThat(targets.of(null)).containsExactly(null, null);
        assertThat(targets.size()).isEqualTo(2);
    }

    @Test
    void boundedButStillRight() {
        UrlTargets targets = new UrlTargets(3);
        for (int i = 0; i < 10; i++) {
            assertThat(targets.of("http://h" + i + ":81/p?q=" + i)).containsExactly("h" + i + ":81", "http://h" + i + ":81/p");
        }
        assertThat(targets.size()).isEqualTo(3);
        String[] late = targets.of("http://h9:81/p?q=9");
        assertThat(late).containsExactly("h9:81", "http://h9:81/p");
        assertThat(targets.of("http://h9:81/p?q=9")).isNotSameAs(late);
    }
}
