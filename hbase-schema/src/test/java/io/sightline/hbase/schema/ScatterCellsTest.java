package io.sightline.hbase.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
        assertThat(ScatterCells.row(Long.MAX_VALUE)).isBetween(1000, 2000);
    }

    @Test
    void aFlushIsOnePackedCellThatRoundTrips() {
        byte[] q = ScatterCells.flushQualifier(0x0102030405060708L, 9);
        assertThat(q).hasSize(ScatterCells.FLUSH_QUALIFIER_LENGTH);
        assertThat(q[0]).isEqualTo(ScatterCells.FLUSH);
        assertThat(RowKeys.getLong(q, 1)).isEqualTo(0x0102030405060708L);
        assertThat(RowKeys.getLong(q, 9)).isEqualTo(9);
        int ok = ScatterCells.cellKey(false, 300);
        int bad = ScatterCells.cellKey(true, 7);
        assertThat(ScatterCells.cellRow(ok)).isEqualTo(300);
        assertThat(ScatterCells.cellError(ok)).isFalse();
        assertThat(ScatterCells.cellError(bad)).isTrue();
        long bucket = 1_700_000_000_000L;
        ScatterCells.Point lone = new ScatterCells.Point(bad, TRACE, 0x1234L, bucket + 4_999, 7, "shop-\u00e9");
        byte[] packed = ScatterCells.pack(bucket, new int[] {ok, bad, 0}, new long[] {1_000_000_000L, 1, 99}, 2, List.of(lone));
        List<String> seen = new ArrayList<>();
        ScatterCells.Visitor v = new ScatterCells.Visitor() {
            @Override
            public void count(int cellKey, long count) {
                seen.add(cellKey + "=" + count);
            }

            @Override
            public void point(ScatterCells.Point p) {
                seen.add(p.cellKey() + ":" + Bytes.toHex(p.traceId()) + ":" + p.spanId() + ":" + p.startTime() + ":" + p.elapsed()
                        + ":" + p.agentId());
            }
        };
        byte[] framed = new byte[packed.length + 4];
        System.arraycopy(packed, 0, framed, 2, packed.length);
        assertThat(ScatterCells.unpack(framed, 2, packed.length, bucket, v)).isTrue();
        assertThat(seen).containsExactly(ok + "=1000000000", bad + "=1",
                bad + ":4bf92f3577b34da6a3ce929d0e0e4736:4660:" + (bucket + 4_999) + ":7:shop-\u00e9");
        // something else is refused, not misread
        assertThat(ScatterCells.unpack(packed, 0, packed.length - 1, bucket, v)).isFalse();
        assertThat(ScatterCells.unpack(new byte[] {(byte) 0xff}, 0, 1, bucket, v)).isFalse();
    }
}
