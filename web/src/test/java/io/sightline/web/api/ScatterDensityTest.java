package io.sightline.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.storage.query.ScatterPage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScatterDensityTest {

    static ScatterPage.Point p(String id, long start, long elapsed, boolean error) {
        return new ScatterPage.Point(id, "a", start, elapsed, error);
    }

    @Test
    void rowsAreContiguousLogBuckets() {
        assertThat(ScatterDensity.row(0)).isZero();
        assertThat(ScatterDensity.row(1)).isEqualTo(1);
        int last = 0;
        for (long e = 1; e < 3_000_000; e += 1 + e / 50) {
            int r = ScatterDensity.row(e);
            assertThat(r).isGreaterThanOrEqualTo(last);
            assertThat(ScatterDensity.lowerBound(r)).isLessThanOrEqualTo(e);
            assertThat(ScatterDensity.lowerBound(r + 1)).isGreaterThan(e);
            last = r;
        }
        assertThat(ScatterDensity.row(3_600_000)).isLessThan(400); // an hour fits in a few hundred rows
        assertThat((long) ScatterDensity.row(Long.MAX_VALUE)).isLessThan(ScatterDensity.ROW_SPAN); // cell keys stay distinct
    }

    @Test
    void binsPointsAndKeepsSparseCellsExact() {
        ScatterDensity d = new ScatterDensity(0, 1000, 10);
        for (int i = 0; i < 100; i++) {
            d.add(p("dense" + i, 5, 10, false)); // one crowded cell
        }
        d.add(p("lonely", 999, 60_000, true)); // an outlier, alone in its cell
        d.add(p("pair1", 500, 100, false));
        d.add(p("pair2", 510, 100, true));
        d.add(p("late", 5000, 1, false)); // beyond `to`: clamped into the last column, not lost
        ScatterDensity.Result r = d.result(true);
        assertThat(r.total()).isEqualTo(104);
        assertThat(r.errors()).isEqualTo(2);
        assertThat(r.minElapsed()).isEqualTo(1);
        assertThat(r.maxElapsed()).isEqualTo(60_000);
        assertThat(r.rowRatio()).isEqualTo(1.04);
        assertThat(r.cells()).extracting(c -> List.of(c[0], c[1], c[2], c[3])).containsExactly(
                List.of(0L, (long) ScatterDensity.row(10), 100L, 0L),
                List.of(5L, (long) ScatterDensity.row(100), 1L, 1L),
                List.of(9L, (long) ScatterDensity.row(1), 1L, 0L),
                List.of(9L, (long) ScatterDensity.row(60_000), 0L, 1L));
        assertThat(r.points()).extracting(ScatterPage.Point::transactionId).containsExactly("late", "lonely", "pair2", "pair1");

        // as sent: steps between columns, rows restarting in each column, the counts as they are
        ScatterDensity.Columns sent = r.encodedCells();
        long r1 = ScatterDensity.row(1);
        assertThat(sent.columnDelta()).containsExactly(0, 5, 4, 0);
        assertThat(sent.rowDelta()).containsExactly(ScatterDensity.row(10), ScatterDensity.row(100), r1, ScatterDensity.row(60_000) - r1);
        assertThat(sent.success()).containsExactly(100, 1, 1, 0);
        assertThat(sent.error()).containsExactly(0, 1, 0, 1);
    }

    @Test
    void exactPointsAreCappedKeepingTheSlowest() {
        ScatterDensity d = new ScatterDensity(0, 1000, 1000);
        for (int i = 0; i < 10; i++) {
            d.add(p("p" + i, i * 100, 10 + i * 1000, false)); // each alone in its cell
        }
        ScatterDensity.Result all = d.result(true, 10);
        assertThat(all.pointsComplete()).isTrue();
        assertThat(all.points()).hasSize(10);
        ScatterDensity.Result capped = d.result(true, 3);
        assertThat(capped.pointsComplete()).isFalse();
        assertThat(capped.points()).extracting(ScatterPage.Point::transactionId).containsExactly("p9", "p8", "p7");
        assertThat(capped.cells()).hasSize(10); // every point still painted
    }

    @Test
    void preAggregatedCountsJoinIndexPointsInTheSameCells() {
        ScatterDensity d = new ScatterDensity(0, 20_000, 2);
        int row = ScatterDensity.row(40);
        d.addCounts(0, row, 500, 3, List.of());                        // a dense bucket: counted, no points
        d.addCounts(5_000, ScatterDensity.row(9_000), 0, 1, List.of(p("slow", 6_000, 9_000, true)));
        d.add(p("edge", 12_000, 40, false));                           // an edge point from the index
        d.addCounts(15_000, row, 1, 0, List.of(p("lone", 15_500, 40, false)));
        ScatterDensity.Result r = d.result(true);
        assertThat(r.total()).isEqualTo(506);
        assertThat(r.errors()).isEqualTo(4);
        assertThat(r.cells()).extracting(c -> List.of(c[0], c[1], c[2], c[3])).containsExactly(
                List.of(0L, (long) row, 500L, 3L),
                List.of(0L, (long) ScatterDensity.row(9_000), 0L, 1L),
                List.of(1L, (long) row, 2L, 0L));
        // the sparse cells' points, whether they came from the pre-aggregate or the index
        assertThat(r.points()).extracting(ScatterPage.Point::transactionId).containsExactly("lone", "edge", "slow");
        // elapsed range: exact where points are known, else the row's bounds
        assertThat(r.maxElapsed()).isEqualTo(9_000);
        assertThat(r.minElapsed()).isBetween(38L, 40L);
    }

    @Test
    void emptyWindow() {
        ScatterDensity.Result r = new ScatterDensity(0, 10, 5).result(true);
        assertThat(r.total()).isZero();
        assertThat(r.minElapsed()).isNull();
        assertThat(r.maxElapsed()).isNull();
        assertThat(r.cells()).isEmpty();
    }
}
