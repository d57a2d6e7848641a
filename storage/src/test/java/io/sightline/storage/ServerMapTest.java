package io.sightline.storage;

import static io.sightline.storage.StorageFixture.event;
import static io.sightline.storage.StorageFixture.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.Histogram;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.MapStatsAggregator;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * front (called by users) calls a database, the instrumented "back" through its endpoint, and an
 * uninstrumented host; back calls PostgreSQL. Written through two aggregators (two collectors),
 * and the whole batch is sent twice.
 */
class ServerMapTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private static final String FRONT = "front-" + RUN;
    private static final String BACK = "back-" + RUN;
    private static final String BACK_ENDPOINT = "back-" + RUN + ":8081";
    private static final long MINUTE = RowKeys.minute(1_700_000_400_000L);
    private static HBaseQueries queries;

    @BeforeAll
    static void write() throws Exception {
        int[] frontElapsed = {10, 1500, 3500, 7000, 20};
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] trace = StorageFixture.traceId();
            long frontId = StorageFixture.spanId();
            long backId = StorageFixture.spanId();
            spans.add(span(FRONT, "front-1", trace, frontId, MINUTE + i * 1000, frontElapsed[i]).setError(i == 4)
                    .addEvents(event(1, 1, 1, 5, "H2").setDestination("mem:testdb"))
                    .addEvents(event(2, 1, 2, 45, "HTTP_CLIENT").setDestination(BACK_ENDPOINT).setNextSpanId(backId))
                    .addEvents(event(3, 1, 3, 200, "HTTP_CLIENT").setDestination("ext.example.com:443").setError(i == 0))
                    .addEvents(event(4, 1, 4, 1, "METHOD"))
                    .build());
            spans.add(span(BACK, "back-1", trace, backId, MINUTE + i * 1000 + 2, 40).setParentSpanId(frontId)
                    .setParentApplication(FRONT).setParentServiceType("TOMCAT").setEndpoint(BACK_ENDPOINT).setError(i == 2)
                    .addEvents(event(1, 1, 1, 30, "POSTGRESQL").setDestination("pg:5432/test"))
                    .build());
        }
        SpanStore store = new SpanStore(StorageFixture.connection());
        MapStatsAggregator collector1 = new MapStatsAggregator(StorageFixture.connection());
        MapStatsAggregator collector2 = new MapStatsAggregator(StorageFixture.connection());
        // the two collectors get different halves; collector1 flushes in two steps
        collector1.add(store.store(spans.subList(0, 4), List.of()));
        collector1.flush();
        collector1.add(store.store(spans.subList(4, 6), List.of()));
        collector1.flush();
        collector2.add(store.store(spans.subList(6, 10), List.of()));
        // the agent did not get the acks and resends everything, to the other collectors
        assertThat(store.store(spans, List.of())).isEmpty();
        collector2.add(store.store(spans, List.of()));
        collector1.add(store.store(spans.subList(0, 2), List.of()));
        collector2.flush();
        collector1.flush();
        assertThat(collector1.pendingRows()).isZero();
        queries = new HBaseQueries(StorageFixture.connection());
    }

    @Test
    void mapAroundTheFrontApplication() {
        ServerMap map = queries.serverMap(FRONT, MINUTE, MINUTE + 60_000);
        String front = FRONT + "^TOMCAT", back = BACK + "^TOMCAT";
        Histogram user = new Histogram(1, 1, 1, 1, 1);
        assertThat(map.links()).containsExactlyInAnyOrder(
                new ServerMap.Link("USER^USER", front, 5, 1, (10 + 1500 + 3500 + 7000 + 20) / 5.0, 7000, user),
                new ServerMap.Link(front, "mem:testdb^H2", 5, 0, 5.0, 5, new Histogram(5, 0, 0, 0, 0)),
                new ServerMap.Link(front, back, 5, 1, 40.0, 40, new Histogram(4, 0, 0, 0, 1)),
                new ServerMap.Link(front, "ext.example.com:443^HTTP", 5, 1, 200.0, 200, new Histogram(4, 0, 0, 0, 1)),
                new ServerMap.Link(back, "pg:5432/test^POSTGRESQL", 5, 0, 30.0, 30, new Histogram(5, 0, 0, 0, 0)));
        assertThat(map.nodes()).containsExactlyInAnyOrder(
                new ServerMap.Node(front, FRONT, "TOMCAT", 5, 1, user),
                new ServerMap.Node("USER^USER", "USER", "USER", 5, 1, user),
                new ServerMap.Node("mem:testdb^H2", "mem:testdb", "H2", 5, 0, new Histogram(5, 0, 0, 0, 0)),
                new ServerMap.Node(back, BACK, "TOMCAT", 5, 1, new Histogram(4, 0, 0, 0, 1)),
                new ServerMap.Node("ext.example.com:443^HTTP", "ext.example.com:443", "HTTP", 5, 1, new Histogram(4, 0, 0, 0, 1)),
                new ServerMap.Node("pg:5432/test^POSTGRESQL", "pg:5432/test", "POSTGRESQL", 5, 0, new Histogram(5, 0, 0, 0, 0)));
    }

    @Test
    void mapAroundTheBackApplicationShowsItsCaller() {
        ServerMap map = queries.serverMap(BACK, MINUTE, MINUTE + 60_000);
        String front = FRONT + "^TOMCAT", back = BACK + "^TOMCAT";
        assertThat(map.links()).containsExactlyInAnyOrder(
                new ServerMap.Link(front, back, 5, 1, 40.0, 40, new Histogram(4, 0, 0, 0, 1)),
                new ServerMap.Link(back, "pg:5432/test^POSTGRESQL", 5, 0, 30.0, 30, new Histogram(5, 0, 0, 0, 0)));
        assertThat(map.nodes()).extracting(ServerMap.Node::key)
                .containsExactlyInAnyOrder(front, back, "pg:5432/test^POSTGRESQL");
    }

    @Test
    void windowIsMinuteGrained() {
        assertThat(queries.serverMap(FRONT, MINUTE + 60_000, MINUTE + 120_000).links()).isEmpty();
        assertThat(queries.serverMap(FRONT, MINUTE - 60_000, MINUTE).links()).isEmpty();
        // a window starting inside the minute includes that minute
        assertThat(queries.serverMap(FRONT, MINUTE + 30_000, MINUTE + 90_000).links()).hasSize(5);
        // an application nobody called: just itself
        ServerMap empty = queries.serverMap("nobody-" + RUN, MINUTE, MINUTE + 60_000);
        assertThat(empty.links()).isEmpty();
        assertThat(empty.nodes()).containsExactly(new ServerMap.Node("nobody-" + RUN + "^TOMCAT", "nobody-" + RUN,
                "TOMCAT", 0, 0, Histogram.EMPTY));
    }
}
