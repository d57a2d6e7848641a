package io.sightline.agent.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.sightline.agent.bridge.Slotted;

class SlotMapTest {
    static final class Owned implements Slotted {
        Object slot;

        @Override
        public Object sightline$slot() {
            return slot;
        }

        @Override
        public void sightline$slot(Object value) {
            slot = value;
        }
    }

    @Test
    void anObjectWithASlotKeepsItsValueThereAndOthersInTheWeakMap() {
        SlotMap<String> map = new SlotMap<>(String.class, 100);
        Owned owned = new Owned();
        Object plain = new Object();
        assertThat(map.get(owned)).isNull();
        assertThat(map.put(owned, "a")).isTrue();
        assertThat(map.put(plain, "b")).isTrue();
        assertThat(owned.slot).isEqualTo("a");
        assertThat(map.fallbackSize()).isEqualTo(1);
        assertThat(map.get(owned)).isEqualTo("a");
        assertThat(map.get(plain)).isEqualTo("b");
        assertThat(map.put(owned, "c")).isTrue();
        assertThat(map.remove(owned)).isEqualTo("c");
        assertThat(owned.slot).isNull();
        assertThat(map.remove(owned)).isNull();
        assertThat(map.remove(plain)).isEqualTo("b");
        assertThat(map.fallbackSize()).isZero();
    }

    @Test
    void aValueOfAnotherTypeInTheSlotReadsAsAbsentAndANullKeyAsNothing() {
        SlotMap<String> map = new SlotMap<>(String.class, 100);
        Owned owned = new Owned();
        owned.slot = 42;
        assertThat(map.get(owned)).isNull();
        assertThat(map.remove(owned)).isNull();
        assertThat(owned.slot).isEqualTo(42); // not ours: left alone
        assertThat(map.get(null)).isNull();
        assertThat(map.put(null, "x")).isFalse();
        assertThat(map.remove(null)).isNull();
    }
}
