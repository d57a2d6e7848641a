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
        assertThat(targets.of((String) null)).containsExactly(null, null);
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

    @Test
    void aUrlObjectGetsTheAnswerOfItsTextWithoutItsQueryOrCredentialsMakingNewEntries() throws Exception {
        String[] urls = {
                "https://user:secret@API.Example.com/v1/items?token=abc#top",
                "http://svc:81/p", "http://Svc:81/p?x=1", "http://svc/p", "https://svc", "http://svc:/p",
                "http://svc?x=1", "http://[::1]:8080/x?y", "http://[::1]/x", "http://127.0.0.1:9/a/b/c#f",
                "http://svc:81/%20space?q=%20"};
        UrlTargets byText = new UrlTargets(100);
        UrlTargets byObject = new UrlTargets(100);
        for (String u : urls) {
            assertThat(byObject.of(new java.net.URL(u))).as(u).containsExactly(byText.of(u));
            assertThat(byObject.of(new java.net.URL(u))).as(u).containsExactly(byText.of(u)); // remembered
        }
        String[] first = byObject.of(new java.net.URL("http://svc:81/p?id=1"));
        assertThat(byObject.of(new java.net.URL("http://u:p@svc:81/p?id=2"))).isSameAs(first);
        assertThat(byObject.of(new java.net.URL("http://svc:81/q?id=2"))).containsExactly("svc:81", "http://svc:81/q");
        assertThat(byObject.of((java.net.URL) null)).containsExactly(null, null);
        assertThat(byObject.of(new java.net.URL("file:/tmp/x"))).containsExactly(byText.of("file:/tmp/x"));
    }
}
