package io.sightline.storage;

import static io.sightline.storage.StorageFixture.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.IpRange;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.query.UrlMatch;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every filter of the contract against real HBase: the expected answer is computed from the
 * spans written, and the query must return exactly those, newest first. Every other span is
 * stored as older releases stored it (two-cell index rows), so each answer mixes both layouts.
 */
class IndexQueryTest {
    private static final String APP = "index-app-" + System.nanoTime();
    private static final long T0 = 1_700_000_000_000L;
    private static final List<Span> SPANS = new ArrayList<>();
    private static HBaseQueries queries;

    @BeforeAll
    static void write() throws Exception {
        String[] uris = {"/owners/1", "/owners/22/pets", "/Owners/3", "/vets", "/api/v1/owners", "/owners"};
        String[] ips = {"10.1.2.3", "10.1.200.7", "192.168.0.9", "::1", "2001:db8::5", "2001:db9::1", "not-an-ip"};
        for (int i = 0; i < 120; i++) {
            Span.Builder b = span(APP, i % 3 == 0 ? "agent-a" : "agent-b-with-a-very-long-pod-name-" + "x".repeat(200),
                    StorageFixture.traceId(), StorageFixture.spanId(), T0 + i * 1000L, (i * 37) % 6000)
                    .setUri(uris[i % uris.length]).setClientIp(ips[i % ips.length])
                    .setError(i % 7 == 0).setStatus(i % 7 == 0 ? 500 : 200);
            if (i % 7 == 0) {
                b.setException(StorageFixture.exception("java.lang.IllegalStateException", "boom " + i));
            }
            if (i % 5 == 0) {
                b.setUriTemplate("/owners/{id}");
            }
            SPANS.add(b.build());
        }
        // another application in the same time range must never show up
        SPANS.add(span(APP + "-other", "agent-a", StorageFixture.traceId(), StorageFixture.spanId(), T0 + 5000, 1).build());
        List<Span> current = new ArrayList<>();
        for (int i = 0; i < SPANS.size(); i++) {
            if (i % 2 == 1) {
                StorageFixture.storeAsOlderRelease(SPANS.get(i));
            } else {
                current.add(SPANS.get(i));
            }
        }
        new SpanStore(StorageFixture.connection()).store(current, List.of());
        queries = new HBaseQueries(StorageFixture.connection());
    }

    private static TransactionQuery q(long from, long to) {
        return new TransactionQuery(APP, from, to, null, null, null, null, null, null, TransactionQuery.DEFAULT_LIMIT, null);
    }

    private static TransactionQuery with(TransactionQuery q, Long min, Long max, Boolean error, String ip, String url,
                                         String agent, int limit, String cursor) {
        return new TransactionQuery(q.application(), q.from(), q.to(), min, max, error,
                ip == null ? null : IpRange.parse(ip), url == null ? null : UrlMatch.parse(url), agent, limit, cursor);
    }

    /** Trace ids of the app's spans in [from,to) matching p, newest first. */
    private static List<String> expected(long from, long to, Predicate<Span> p) {
        return SPANS.stream().filter(s -> s.getApplicationName().equals(APP))
                .filter(s -> s.getStartTime() >= from && s.getStartTime() < to).filter(p)
                .sorted((a, b) -> Long.compare(b.getStartTime(), a.getStartTime()))
                .map(s -> TraceIds.traceIdHex(s.getTraceId().toByteArray())).collect(Collectors.toList());
    }

    private static List<String> ids(ScatterPage p) {
        return p.points().stream().map(ScatterPage.Point::transactionId).collect(Collectors.toList());
    }

    private static final long ALL_FROM = T0;
    private static final long ALL_TO = T0 + 120_000;

    @Test
    void windowIsFromInclusiveToExclusiveAndNewestFirst() {
        ScatterPage all = queries.scatter(q(ALL_FROM, ALL_TO));
        assertThat(ids(all)).containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> true)).hasSize(120);
        assertThat(all.complete()).isTrue();
        assertThat(all.next()).isNull();
        ScatterPage window = queries.scatter(q(T0 + 10_000, T0 + 20_000));
        assertThat(window.points()).extracting(ScatterPage.Point::startTime)
                .containsExactly(T0 + 19_000, T0 + 18_000, T0 + 17_000, T0 + 16_000, T0 + 15_000, T0 + 14_000,
                        T0 + 13_000, T0 + 12_000, T0 + 11_000, T0 + 10_000);
        assertThat(queries.scatter(q(T0 + 500_000, Long.MAX_VALUE)).points()).isEmpty();
        assertThat(queries.scatter(q(T0 + 10_000, T0 + 10_000)).points()).isEmpty();
    }

    @Test
    void scatterPointsCarryTheirFields() {
        Span s = SPANS.get(7);
        ScatterPage p = queries.scatter(q(s.getStartTime(), s.getStartTime() + 1));
        assertThat(p.points()).containsExactly(new ScatterPage.Point(TraceIds.traceIdHex(s.getTraceId().toByteArray()),
                s.getAgentId(), s.getStartTime(), s.getElapsed(), true));
    }

    @Test
    void elapsedBoundsAreInclusive() {
        long min = SPANS.get(10).getElapsed();
        long max = SPANS.get(20).getElapsed();
        long lo = Math.min(min, max), hi = Math.max(min, max);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), lo, hi, null, null, null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getElapsed() >= lo && s.getElapsed() <= hi))
                .contains(TraceIds.traceIdHex(SPANS.get(10).getTraceId().toByteArray()),
                        TraceIds.traceIdHex(SPANS.get(20).getTraceId().toByteArray()));
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), 4000L, null, null, null, null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getElapsed() >= 4000)).isNotEmpty();
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, 0L, null, null, null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getElapsed() == 0)).hasSize(1);
    }

    @Test
    void errorFilter() {
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, true, null, null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, Span::getError)).hasSize(18);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, false, null, null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> !s.getError())).hasSize(102);
    }

    @Test
    void urlSubstringIsCaseSensitiveAndGlobMatchesTheWholePath() {
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "owners", null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getUri().contains("owners"))).hasSize(80);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "/Owners", null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getUri().equals("/Owners/3"))).hasSize(20);
        // glob: whole path, * crosses slashes
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "/owners/*", null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getUri().startsWith("/owners/"))).hasSize(40);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "*/pets", null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getUri().endsWith("/pets"))).hasSize(20);
        // a glob does not match in the middle: "/owner*" must also match the end
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "owners*", null, 10_000, null))))
                .isEmpty();
        // regex characters are literal
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, "/owners/.*", null, 10_000, null))))
                .isEmpty();
    }

    @Test
    void clientIpExactAndCidrForIpv4AndIpv6() {
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "10.1.2.3", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().equals("10.1.2.3"))).hasSize(18);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "10.1.0.0/16", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().startsWith("10.1."))).hasSize(35);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "0.0.0.0/0", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().matches("[0-9.]+"))).hasSize(52);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "::1", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().equals("::1"))).hasSize(17);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "2001:db8::/32", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().equals("2001:db8::5"))).hasSize(17);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, "2001:db8::/31", null, null, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getClientIp().startsWith("2001:"))).hasSize(34);
    }

    @Test
    void agentIdFilterWorksForLongIds() {
        String longId = SPANS.get(1).getAgentId();
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, longId, 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getAgentId().equals(longId))).hasSize(80);
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, "agent-a", 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> s.getAgentId().equals("agent-a"))).hasSize(40);
    }

    @Test
    void filtersCombine() {
        Predicate<Span> p = s -> s.getAgentId().equals("agent-a") && !s.getError() && s.getUri().contains("owners")
                && s.getElapsed() >= 100;
        assertThat(ids(queries.scatter(with(q(ALL_FROM, ALL_TO), 100L, null, false, null, "owners", "agent-a", 10_000, null))))
                .containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, p)).isNotEmpty();
    }

    @Test
    void limitCutsTheWindowAndTheCursorContinuesWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ScatterPage p = queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 25, cursor));
            pages++;
            seen.addAll(ids(p));
            if (pages < 5) {
                assertThat(p.points()).hasSize(25);
                assertThat(p.complete()).isFalse();
                assertThat(p.next()).isNotNull();
            } else {
                assertThat(p.points()).hasSize(20);
                assertThat(p.complete()).isTrue();
                assertThat(p.next()).isNull();
            }
            cursor = p.next();
        } while (cursor != null);
        assertThat(pages).isEqualTo(5);
        assertThat(seen).containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, s -> true));
        // a limit equal to the count is complete
        ScatterPage exact = queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 120, null));
        assertThat(exact.complete()).isTrue();
        // with a filter too
        TransactionPage t1 = queries.transactions(with(q(ALL_FROM, ALL_TO), null, null, true, null, null, null, 10, null));
        TransactionPage t2 = queries.transactions(with(q(ALL_FROM, ALL_TO), null, null, true, null, null, null, 10, t1.next()));
        assertThat(t1.complete()).isFalse();
        assertThat(t2.complete()).isTrue();
        List<String> errors = new ArrayList<>();
        t1.transactions().forEach(r -> errors.add(r.transactionId()));
        t2.transactions().forEach(r -> errors.add(r.transactionId()));
        assertThat(errors).containsExactlyElementsOf(expected(ALL_FROM, ALL_TO, Span::getError));
    }

    @Test
    void badCursorsAreRejected() {
        assertThatThrownBy(() -> queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 10, "%%%")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        assertThatThrownBy(() -> queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 10, "AAAA")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        assertThatThrownBy(() -> queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 0, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        String fromOtherWindow = queries.scatter(with(q(ALL_FROM, ALL_TO), null, null, null, null, null, null, 10, null)).next();
        assertThatThrownBy(() -> queries.scatter(with(q(T0, T0 + 1000), null, null, null, null, null, null, 10, fromOtherWindow)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }

    @Test
    void anIndexRowIsOneCellNowAndOlderRowsKeepTheirTwo() throws Exception {
        try (var index = StorageFixture.connection().getTable(io.sightline.hbase.schema.Tables.TRACE_INDEX)) {
            for (int i : new int[] {70, 35}) {
                Span s = SPANS.get(i);
                var row = index.get(new org.apache.hadoop.hbase.client.Get(io.sightline.hbase.schema.RowKeys.indexRow(
                        APP, s.getStartTime(), s.getTraceId().toByteArray(), s.getSpanId())));
                assertThat(row.rawCells()).as("span %d", i).hasSize(i % 2 == 0 ? 1 : 2);
            }
        }
    }

    @Test
    void transactionRowsHaveEveryField() {
        // one-cell row: error (70 % 7 == 0), template (70 % 5 == 0)
        Span current = SPANS.get(70);
        assertThat(queries.transactions(q(current.getStartTime(), current.getStartTime() + 1)).transactions()).containsExactly(
                new TransactionPage.Row(TraceIds.traceIdHex(current.getTraceId().toByteArray()), APP, current.getAgentId(),
                        current.getStartTime(), current.getElapsed(), "/api/v1/owners", "/owners/{id}", "10.1.2.3", true,
                        "java.lang.IllegalStateException: boom 70", 500, "GET"));
        // older two-cell rows
        Span s = SPANS.get(35); // error (35 % 7 == 0), template (35 % 5 == 0)
        TransactionPage p = queries.transactions(q(s.getStartTime(), s.getStartTime() + 1));
        assertThat(p.transactions()).containsExactly(new TransactionPage.Row(
                TraceIds.traceIdHex(s.getTraceId().toByteArray()), APP, s.getAgentId(), s.getStartTime(), s.getElapsed(),
                "/owners", "/owners/{id}", "10.1.2.3", true, "java.lang.IllegalStateException: boom 35", 500, "GET"));
        Span ok = SPANS.get(1);
        assertThat(queries.transactions(q(ok.getStartTime(), ok.getStartTime() + 1)).transactions()).containsExactly(
                new TransactionPage.Row(TraceIds.traceIdHex(ok.getTraceId().toByteArray()), APP, ok.getAgentId(),
                        ok.getStartTime(), ok.getElapsed(), "/owners/22/pets", null, "10.1.200.7", false, null, 200, "GET"));
    }
}
