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
    void refusesBeyondItsCapacityEachSegmentHoldingItsShare() {
        WeakIdentityMap<Object, String> m = new WeakIdentityMap<>(160); // 10 per segment
        java.util.List<Object> keep = new java.util.ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            Object k = new Object();
            keep.add(k);
            if (m.put(k, "v")) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(160); // 2,000 keys fill every segment
        assertThat(m.size()).isEqualTo(160);
        assertThat(m.put(new Object(), "v")).isFalse();
        Object in = null;
        for (Object k : keep) {
            if (m.get(k) != null) {
                in = k;
                break;
            }
        }
        assertThat(m.put(in, "w")).isTrue(); // a key already in is replaced, full or not
        assertThat(m.get(in)).isEqualTo("w");
        assertThat(m.size()).isEqualTo(160);
        m.remove(in);
        assertThat(m.put(in, "x")).isTrue(); // room again in its segment
    }

    @Test
    void aTinyCapacityStillHoldsOneEntryPerSegment() {
        WeakIdentityMap<Object, String> m = new WeakIdentityMap<>(2);
        java.util.List<Object> keep = new java.util.ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 1_000; i++) {
            Object k = new Object();
            keep.add(k);
            if (m.put(k, "v")) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(16);
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

    @Test
    void readersAlwaysFindAKeyWhoseValueIsBeingReplaced() throws Exception {
        WeakIdentityMap<Object, Integer> m = new WeakIdentityMap<>(1_000_000);
        Object[] keys = new Object[500];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Object();
            m.put(keys[i], 0);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int round = 1; !stop.get() && round < 2_000; round++) {
                for (Object k : keys) {
                    m.put(k, round);
                }
            }
        });
        Thread reader = new Thread(() -> {
            for (int round = 0; round < 400; round++) {
                for (Object k : keys) {
                    if (m.get(k) == null) {
                        misses.incrementAndGet();
                    }
                }
            }
        });
        writer.start();
        reader.start();
        reader.join();
        stop.set(true);
        writer.join();
        assertThat(misses.get()).isZero();
        assertThat(m.size()).isEqualTo(keys.length);
    }
}
