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

    @Test
    void manyKeysGrowTheTablesAndStayFindableAndRemovable() {
        WeakIdentityMap<Object, Integer> m = new WeakIdentityMap<>(1_000_000);
        Object[] keys = new Object[20_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Object();
            assertThat(m.put(keys[i], i)).isTrue();
        }
        assertThat(m.size()).isEqualTo(keys.length);
        for (int i = 0; i < keys.length; i++) {
            assertThat(m.get(keys[i])).isEqualTo(i);
        }
        assertThat(m.put(keys[7], -7)).isTrue(); // replaces
        assertThat(m.get(keys[7])).isEqualTo(-7);
        assertThat(m.size()).isEqualTo(keys.length);
        for (int i = 0; i < keys.length; i += 2) {
            assertThat(m.remove(keys[i])).isEqualTo(i);
        }
        assertThat(m.remove(keys[0])).isNull();
        assertThat(m.size()).isEqualTo(keys.length / 2);
        for (int i = 0; i < keys.length; i++) {
            assertThat(m.get(keys[i])).isEqualTo(i % 2 == 0 ? null : i == 7 ? Integer.valueOf(-7) : Integer.valueOf(i));
        }
        assertThat(m.get(null)).isNull();
        assertThat(m.put(null, 1)).isFalse();
    }

    @Test
    void readersRacingWritersAlwaysFindKeysThatStayIn() throws Exception {
        WeakIdentityMap<Object, Integer> m = new WeakIdentityMap<>(1_000_000);
        Object[] stay = new Object[2_000];
        for (int i = 0; i < stay.length; i++) {
            stay[i] = new Object();
            m.put(stay[i], i);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            java.util.List<Object> churn = new java.util.ArrayList<>();
            while (!stop.get() && churn.size() < 400_000) { // grows and removes while the readers read
                for (int i = 0; i < 1_000; i++) {
                    Object k = new Object();
                    churn.add(k);
                    m.put(k, -1);
                }
                for (int i = churn.size() - 500; i < churn.size(); i++) {
                    m.remove(churn.get(i));
                }
            }
            for (Object k : churn) {
                m.remove(k);
            }
        });
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    for (int i = 0; i < stay.length; i++) {
                        Integer v = m.get(stay[i]);
                        if (v == null || v != i) {
                            misses.incrementAndGet();
                        }
                    }
                }
            });
        }
        writer.start();
        for (Thread r : readers) {
            r.start();
        }
        for (Thread r : readers) {
            r.join();
        }
        stop.set(true);
        writer.join();
        assertThat(misses.get()).isZero();
        assertThat(m.size()).isEqualTo(stay.length);
    }
}
