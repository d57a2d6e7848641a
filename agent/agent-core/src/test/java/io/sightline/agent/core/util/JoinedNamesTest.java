package io.sightline.agent.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JoinedNamesTest {
    @Test
    void joinsOnceAndSharesTheString() {
        JoinedNames names = new JoinedNames(".", 10);
        String a = names.get("PreparedStatement", "executeQuery");
        assertThat(a).isEqualTo("PreparedStatement.executeQuery");
        assertThat(names.get("PreparedStatement", new String("executeQuery"))).isSameAs(a);
        assertThat(names.get("Statement", "executeQuery")).isEqualTo("Statement.executeQuery");
    }

    @Test
    void pastTheBoundItStillJoinsButForgets() {
        JoinedNames names = new JoinedNames(" ", 2);
        names.get("a", "1");
        names.get("a", "2");
        String third = names.get("a", "3");
        assertThat(third).isEqualTo("a 3");
        assertThat(names.get("a", "3")).isEqualTo("a 3").isNotSameAs(third);
        assertThat(names.get("a", "1")).isSameAs(names.get("a", "1"));
    }

    @Test
    void theRecentPairsAnswerByIdentityAndAgreeWithTheMaps() {
        JoinedNames names = new JoinedNames(" ", 1000);
        String[] libs = {"HttpURLConnection", "OkHttp", "JdkHttpClient"};
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
        java.util.Map<String, String> first = new java.util.HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (String l : libs) {
                for (String m : methods) {
                    String got = names.get(l, m);
                    assertThat(got).isEqualTo(l + " " + m);
                    // the same shared String each time, by identity or by value of its parts
                    assertThat(first.computeIfAbsent(l + " " + m, k -> got)).isSameAs(got);
                    assertThat(names.get(new String(l), new String(m))).isSameAs(got);
                }
            }
        }
        assertThat(names.get(null, "GET")).isEqualTo("null GET");
        assertThat(names.get("Lib", null)).isEqualTo("Lib null");
    }
}
