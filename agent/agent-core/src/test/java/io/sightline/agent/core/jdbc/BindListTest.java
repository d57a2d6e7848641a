package io.sightline.agent.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class BindListTest {
    @Test
    void immutableShortValuesAreKeptAsTheyAreOthersBecomeTextAtOnce() {
        Integer seven = 7;
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        LocalDate day = LocalDate.of(2026, 11, 22);
        assertThat(BindValues.capture(seven, 256)).isSameAs(seven);
        assertThat(BindValues.capture(id, 256)).isSameAs(id);
        assertThat(BindValues.capture(day, 256)).isSameAs(day);
        assertThat(BindValues.capture("text", 256)).isEqualTo("text");
        assertThat(BindValues.capture(null, 256)).isNull();
        // a Date can change after it was bound: its text is taken now
        Date date = new Date(0);
        Object kept = BindValues.capture(date, 256);
        assertThat(kept).isEqualTo(date.toString());
        // unbounded length: text now, so that the caller can cut it and mark the event
        assertThat(BindValues.capture(new BigDecimal("1.50"), 256)).isEqualTo("1.50");
        assertThat(BindValues.capture(new byte[3], 256)).isEqualTo("(3 bytes)");
        // a limit below the longest kept text: text now (the caller cuts it)
        assertThat(BindValues.capture(Long.MIN_VALUE, 10)).isEqualTo("-9223372036854775808");
    }

    @Test
    void readsAsTextsAndFormatsEachValueOnce() {
        Object[] values = {42, null, "x", LocalDate.of(2026, 1, 2), true, 2.5d, 'c'};
        BindList list = new BindList(values);
        assertThat(list).containsExactly("42", null, "x", "2026-01-02", "true", "2.5", "c");
        assertThat(list).isEqualTo(Arrays.asList("42", null, "x", "2026-01-02", "true", "2.5", "c"));
        assertThat(values[0]).isEqualTo("42"); // formatted once, then reused
        assertThat(list.get(0)).isSameAs(values[0]);
        assertThat(list).hasSize(7);
    }
}
