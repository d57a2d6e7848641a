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
}
