package io.sightline.agent.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BacklogTest {
    @Test
    void dropsTheOldestWhenFullAndCountsDrops() {
        Backlog<Integer> b = new Backlog<>(3);
        for (int i = 1; i <= 5; i++) {
            b.offer(i);
        }
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.dropped()).isEqualTo(2);
        List<Integer> out = new ArrayList<>();
        assertThat(b.drainTo(out, 2)).isEqualTo(2);
        assertThat(out).containsExactly(3, 4);
        assertThat(b.drainTo(out, 10)).isEqualTo(1);
        assertThat(out).containsExactly(3, 4, 5);
    }

    @Test
    void awaitReturnsWhenSomethingArrives() throws Exception {
        Backlog<String> b = new Backlog<>(10);
        assertThat(b.awaitNotEmpty(10, TimeUnit.MILLISECONDS)).isFalse();
        Thread t = new Thread(() -> b.offer("x"));
        t.start();
        assertThat(b.awaitNotEmpty(5, TimeUnit.SECONDS)).isTrue();
        t.join();
    }
}
