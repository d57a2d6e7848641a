package io.sightline.hbase.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class RowKeysTest {
    private static final byte[] TRACE = Bytes.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");

    @Test
    void namesOfAnyLengthHashToEightBytes() {
        String podName = "petstore-7d9c5b8f4-" + "x".repeat(500);
        assertThat(RowKeys.hash(podName)).hasSize(8);
        assertThat(RowKeys.hash("a")).hasSize(8).isEqualTo(RowKeys.hash("a")).isNotEqualTo(RowKeys.hash("b"));
        assertThat(RowKeys.agentRow(podName)).isEqualTo(RowKeys.hash(podName));
    }

    @Test
    void indexRowRoundTripsAndSortsNewestFirst() {
        byte[] app = RowKeys.hash("petstore");
        byte[] row = RowKeys.indexRow(app, 1_700_000_000_123L, TRACE, 0x1234L);
        assertThat(row).hasSize(RowKeys.INDEX_ROW_LENGTH);
        assertThat(row[0]).isEqualTo((byte) RowKeys.salt(TRACE, 0x1234L));
        assertThat(Arrays.copyOfRange(row, 1, 9)).isEqualTo(app);
        assertThat(RowKeys.indexStartTime(row)).isEqualTo(1_700_000_000_123L);
        assertThat(RowKeys.indexTraceId(row)).isEqualTo(TRACE);
        assertThat(RowKeys.indexSpanId(row)).isEqualTo(0x1234L);

        // same salt, different times: the newer sorts first
        byte[] older = RowKeys.indexRow(app, 1_000L, TRACE, 0x1234L);
        byte[] newer = RowKeys.indexRow(app, 2_000L, TRACE, 0x1234L);
        assertThat(Bytes.compareTo(newer, older)).isNegative();
    }

    @Test
    void scanBoundsAreFromInclusiveToExclusive() {
        byte[] app = RowKeys.hash("petstore");
        long from = 10_000, to = 20_000;
        for (int salt = 0; salt < RowKeys.SALT_BUCKETS; salt++) {
            byte[] start = RowKeys.indexScanStart(salt, app, to);
            byte[] stop = RowKeys.indexScanStop(salt, app, from);
            List<Long> inside = new ArrayList<>();
            for (long t : new long[] {from - 1, from, from + 1, to - 1, to, to + 1}) {
                byte[] row = withSalt(RowKeys.indexRow(app, t, TRACE, 7), salt);
                if (Bytes.compareTo(row, start) >= 0 && Bytes.compareTo(row, stop) < 0) {
                    inside.add(t);
                }
            }
            assertThat(inside).containsExactly(from, from + 1, to - 1);
        }
        // window starting at 0 and ending far in the future
        byte[] row = withSalt(RowKeys.indexRow(app, 5, TRACE, 7), 3);
        assertThat(Bytes.compareTo(row, RowKeys.indexScanStart(3, app, Long.MAX_VALUE))).isPositive();
        assertThat(Bytes.compareTo(row, RowKeys.indexScanStop(3, app, 0))).isNegative();
    }

    @Test
    void resumeAfterIsStrictlyAfterTheCursorRow() {
        byte[] app = RowKeys.hash("petstore");
        byte[] row = RowKeys.indexRow(app, 1_000L, TRACE, 9);
        int salt = row[0];
        byte[] resume = RowKeys.indexResumeAfter(salt, app, RowKeys.indexSuffix(row));
        assertThat(Bytes.compareTo(resume, row)).isPositive();
        byte[] next = RowKeys.indexRow(app, 1_000L, TRACE, 10);
        assertThat(Bytes.compareTo(withSalt(next, salt), resume)).isPositive();
    }

    @Test
    void mapQualifiersRoundTrip() {
        assertThat(RowKeys.parseMapQualifier(RowKeys.mapQualifier("db:5432/test^POSTGRESQL", RowKeys.MapField.SLOW)))
                .isEqualTo(new RowKeys.MapQualifier("db:5432/test^POSTGRESQL", RowKeys.MapField.SLOW, 0));
        assertThat(RowKeys.parseMapQualifier(RowKeys.mapMaxQualifier("USER^USER", 5210)))
                .isEqualTo(new RowKeys.MapQualifier("USER^USER", RowKeys.MapField.MAX, 5210));
        assertThat(RowKeys.parseMapQualifier(Bytes.toBytes("no-separator"))).isNull();
        byte[] row = RowKeys.mapRow("petstore^TOMCAT", RowKeys.MAP_OUT, RowKeys.minute(1_700_000_059_999L));
        assertThat(RowKeys.mapRowMinute(row)).isEqualTo(1_700_000_040_000L);
        assertThat(row[8]).isEqualTo(RowKeys.MAP_OUT);
    }

    @Test
    void saltsSpreadOverAllBuckets() {
        int[] counts = new int[RowKeys.SALT_BUCKETS];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 8000; i++) {
            byte[] t = new byte[16];
            r.nextBytes(t);
            counts[RowKeys.salt(t, r.nextLong())]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1200);
        }
    }

    @Test
    void splitKeysFollowTheRegionCount() {
        assertThat(Tables.splitKeys(Tables.TRACES, 1)).isNull();
        assertThat(Tables.splitKeys(Tables.TRACES, 2)).isDeepEqualTo(new byte[][] {{(byte) 0x80}});
        assertThat(Tables.splitKeys(Tables.TRACE_INDEX, 4)).isDeepEqualTo(new byte[][] {{2}, {4}, {6}});
        assertThat(Tables.splitKeys(Tables.TRACE_INDEX).length).isEqualTo(7);
        assertThat(Tables.splitKeys(Tables.AGENTS, 8)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Tables.splitKeys(Tables.TRACES, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] withSalt(byte[] row, int salt) {
        byte[] r = row.clone();
        r[0] = (byte) salt;
        return r;
    }
}
