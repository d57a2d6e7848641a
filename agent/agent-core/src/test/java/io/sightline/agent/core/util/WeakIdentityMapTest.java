package io.sightline.agent.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
    @Test
    void comparesByIdentity() {
        WeakIdentityMap<Object, String> m = new WeakIdentityMap<>(10);
        String a = new String("k");
        String b = new String("k");
        m.put(a, "A");
        assertThat(m.get(a)).isEqualTo("A");
        assertThat(m.get(b)).isNull();
        assertThat(m.remove(a)).isEqualTo("A");
        assertThat(m.size()).isZero();
    }

    @Test
    void refusesBeyondItsCapacity() {
        WeakIdentityMap<Object, String> m = new WeakIdentityMap<>(2);
        Object[] keep = {new Object(), new Object(), new Object()};
        assertThat(m.put(keep[0], "0")).isTrue();
        assertThat(m.put(keep[1], "1")).isTrue();
        assertThat(m.put(keep[2], "2")).isFalse();
    }

    @Test
    void letsCollectedKeysGo() throws Exception {
        WeakIdentityMap<Object, String> m = new WeakIdentityMap<>(1_000_000);
        for (int i = 0; i < 1000; i++) {
            m.put(new Object(), "v");
        }
        for (int i = 0; i < 50 && m.size() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(m.size()).isZero();
    }
}
