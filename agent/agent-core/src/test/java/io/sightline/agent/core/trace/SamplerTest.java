package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void oneInNIsADeterministicCounter() {
        Sampler s = new Sampler(3, 0);
        List<Boolean> got = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            got.add(s.sampleNew(1000));
        }
        assertThat(got).containsExactly(true, false, false, true, false, false, true, false, false);
    }

    @Test
    void capPerSecondRestartsEachSecond() {
        Sampler s = new Sampler(1, 2);
        assertThat(s.sampleNew(5_000)).isTrue();
        assertThat(s.sampleNew(5_400)).isTrue();
        assertThat(s.sampleNew(5_999)).isFalse();
        assertThat(s.sampleNew(6_000)).isTrue();
        assertThat(s.sampleNew(6_001)).isTrue();
        assertThat(s.sampleNew(6_002)).isFalse();
    }

    @Test
    void theCapCountsOnlyWhatTheRateKept() {
        Sampler s = new Sampler(2, 1);
        // rate keeps the 1st and 3rd; the cap then lets one per second through
        assertThat(s.sampleNew(1_000)).isTrue();
        assertThat(s.sampleNew(1_000)).isFalse();
        assertThat(s.sampleNew(1_000)).isFalse();
        assertThat(s.sampleNew(2_000)).isFalse();
        assertThat(s.sampleNew(2_000)).isTrue();
    }
}
