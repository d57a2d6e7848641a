package io.sightline.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.query.UrlMatch;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.SpanStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The URI filter runs over the URI's UTF-8 bytes on the region server: non-ASCII text must match exactly. */
class NonAsciiUrlTest {

    @Test
    void substringAndGlobWithNonAsciiCharacters() throws Exception {
        String app = "utf8-" + System.nanoTime();
        long t = 1_700_000_200_000L;
        Span cafe = StorageFixture.span(app, "u-1", StorageFixture.traceId(), StorageFixture.spanId(), t, 5)
                .setUri("/menu/café/crème-brûlée").build();
        Span plain = StorageFixture.span(app, "u-1", StorageFixture.traceId(), StorageFixture.spanId(), t + 1, 5)
                .setUri("/menu/cafe/creme").build();
        Span dots = StorageFixture.span(app, "u-1", StorageFixture.traceId(), StorageFixture.spanId(), t + 2, 5)
                .setUri("/a.b/[x]/\\E(y)").build();
        new SpanStore(StorageFixture.connection()).store(List.of(cafe, plain, dots), List.of());
        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        assertThat(ids(q, app, t, "café")).containsExactly(hex(cafe));
        assertThat(ids(q, app, t, "/menu/caf*/cr*me")).containsExactly(hex(plain));
        assertThat(ids(q, app, t, "/menu/caf*/crème*")).containsExactly(hex(cafe));
        assertThat(ids(q, app, t, "/menu/*")).containsExactly(hex(plain), hex(cafe));
        assertThat(ids(q, app, t, "é")).containsExactly(hex(cafe));
        assertThat(ids(q, app, t, "CAFÉ")).isEmpty();
        // regex and quoting characters are literal
        assertThat(ids(q, app, t, "[x]/\\E(")).containsExactly(hex(dots));
        assertThat(ids(q, app, t, "/a.b/*(y)")).containsExactly(hex(dots));
        assertThat(ids(q, app, t, "/a?b*")).isEmpty();
        assertThat(q.transactions(new TransactionQuery(app, t, t + 1, null, null, null, null, null, null, 10, null))
                .transactions().get(0).uri()).isEqualTo("/menu/café/crème-brûlée");
    }

    private static List<String> ids(HBaseQueries q, String app, long t, String url) {
        return q.scatter(new TransactionQuery(app, t, t + 10, null, null, null, null, UrlMatch.parse(url), null, 100, null))
                .points().stream().map(ScatterPage.Point::transactionId).toList();
    }

    private static String hex(Span s) {
        return TraceIds.traceIdHex(s.getTraceId().toByteArray());
    }
}
