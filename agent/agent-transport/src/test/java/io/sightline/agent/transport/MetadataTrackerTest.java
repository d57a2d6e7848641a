package io.sightline.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.v1.MetadataEntry;

/** Texts found by identity first, by value otherwise, with one acknowledged state per text. */
class MetadataTrackerTest {
    private static final MetadataEntry.Kind API = MetadataEntry.Kind.API;
    private static final MetadataEntry.Kind SQL = MetadataEntry.Kind.SQL;

    @Test
    void theSameStringFindsTheSameTextAndAnEqualOneFindsItsValue() {
        MetadataTracker m = new MetadataTracker(100);
        String sql = "select name from items where id = ?";
        MetadataTracker.Text t = m.textOf(SQL, sql);
        assertThat(t.id).isEqualTo(MetadataIds.of(SQL.getNumber(), sql));
        assertThat(m.textOf(SQL, sql)).isSameAs(t);
        String copy = new String(sql.toCharArray());
        assertThat(m.textOf(SQL, copy)).isSameAs(t);
        assertThat(m.textOf(SQL, sql)).isSameAs(t);
    }

    @Test
    void oneStringAsApiAndAsSqlIsTwoTexts() {
        MetadataTracker m = new MetadataTracker(100);
        String text = "Statement.execute";
        MetadataTracker.Text api = m.textOf(API, text);
        MetadataTracker.Text sql = m.textOf(SQL, text);
        assertThat(api).isNotSameAs(sql);
        assertThat(api.kind).isEqualTo(API);
        assertThat(sql.kind).isEqualTo(SQL);
        assertThat(api.id).isNotEqualTo(sql.id);
        assertThat(m.textOf(API, text)).isSameAs(api);
        assertThat(m.textOf(SQL, text)).isSameAs(sql);
    }

    @Test
    void anAcknowledgementReachesEveryLookupOfTheText() {
        MetadataTracker m = new MetadataTracker(100);
        String sql = "update items set name = ? where id = ?";
        MetadataTracker.Text t = m.textOf(SQL, sql);
        assertThat(t.acknowledged).isFalse();
        m.acknowledge(List.of(t.entry()));
        assertThat(m.textOf(SQL, sql).acknowledged).isTrue();
        assertThat(m.textOf(SQL, new String(sql.toCharArray())).acknowledged).isTrue();
    }

    @Test
    void manyTextsSharingSlotsStillGetTheirOwnIds() {
        MetadataTracker m = new MetadataTracker(100_000);
        int n = 3 * MetadataTracker.RECENT_SLOTS;
        String[] texts = new String[n];
        for (int i = 0; i < n; i++) {
            texts[i] = "select " + i + " from dual";
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                MetadataTracker.Text t = m.textOf(SQL, texts[i]);
                assertThat(t.value).isEqualTo(texts[i]);
                assertThat(t.id).isEqualTo(MetadataIds.of(SQL.getNumber(), texts[i]));
            }
        }
    }

    @Test
    void aLongTextIsLookedUpEachTimeAndKeepsItsAcknowledgement() {
        MetadataTracker m = new MetadataTracker(100);
        String longSql = "select " + "x".repeat(MetadataTracker.CACHED_TEXT_LENGTH) + " from t";
        MetadataTracker.Text t = m.textOf(SQL, longSql);
        m.acknowledge(t);
        MetadataTracker.Text again = m.textOf(SQL, longSql);
        assertThat(again.id).isEqualTo(t.id);
        assertThat(again.acknowledged).isTrue();
    }
}
