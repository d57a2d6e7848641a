package io.sightline.hbase.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class ScatterCellsTest {
    private static final byte[] TRACE = Bytes.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");

    @Test
    void bucketsAreFiveSecondsAlignedToTheEpoch() {
        assertThat(ScatterCells.bucket(1_700_000_004_999L)).isEqualTo(1_700_000_000_000L);
        assertThat(ScatterCells.bucket(1_700_000_005_000L)).isEqualTo(1_700_000_005_000L);
        assertThat(ScatterCells.bucket(-1)).isEqualTo(-5_000L);
        byte[] row = ScatterCells.rowKey(RowKeys.hash("shop"), 1_700_000_005_000L);
        assertThat(row).hasSize(16);
        assertThat(Arrays.copyOf(row, 8)).isEqualTo(RowKeys.hash("shop"));
        assertThat(ScatterCells.bucketOf(row)).isEqualTo(1_700_000_005_000L);
        // later buckets sort after earlier ones: a window is one range scan
        assertThat(Bytes.compareTo(row, ScatterCells.rowKey(RowKeys.hash("shop"), 1_700_000_010_000L))).isNegative();
    }

    @Test
    void rowsAreLogarithmicAndExactAtTheirEdges() {
        assertThat(ScatterCells.row(0)).isZero();
        assertThat(ScatterCells.row(-5)).isZero();
        assertThat(ScatterCells.row(1)).isEqualTo(1);
        for (long e : new long[] {1, 2, 3, 10, 35, 999, 1000, 1001, 5000, 30_000, 600_000, 86_400_000L}) {
            int r = ScatterCells.row(e);
            assertThat(ScatterCells.lowerBound(r)).isLessThanOrEqualTo(e);
            assertThat(ScatterCells.lowerBound(r + 1)).isGreaterThan(e);
        }
        assertThat(ScatterCells.row(Long.MAX_VALUE)).isBetween(1000, 0xffff); // fits the qualifier's two bytes
    }

    @Test
    void qualifiersCarryOutcomeRowAndSpan() {
        byte[] c = ScatterCells.countQualifier(true, 300);
        assertThat(c).containsExactly('c', 1, 1, 44);
        assertThat(ScatterCells.error(c, 0)).isTrue();
        assertThat(ScatterCells.row(c, 0)).isEqualTo(300);
        byte[] p = ScatterCells.pointQualifier(false, 7, TRACE, 0x1234L);
        assertThat(p).hasSize(ScatterCells.POINT_QUALIFIER_LENGTH);
        assertThat(p[0]).isEqualTo(ScatterCells.POINT);
        assertThat(ScatterCells.error(p, 0)).isFalse();
        assertThat(ScatterCells.row(p, 0)).isEqualTo(7);
        assertThat(Arrays.copyOfRange(p, 4, 20)).isEqualTo(TRACE);
        assertThat(RowKeys.getLong(p, 20)).isEqualTo(0x1234L);
        byte[] v = ScatterCells.pointValue(1_700_000_000_123L, 35, "shop-1");
        assertThat(RowKeys.getLong(v, 0)).isEqualTo(1_700_000_000_123L);
        assertThat(RowKeys.getLong(v, 8)).isEqualTo(35);
        assertThat(new String(v, 16, v.length - 16, StandardCharsets.UTF_8)).isEqualTo("shop-1");
    }
}
