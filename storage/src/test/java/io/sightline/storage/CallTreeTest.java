package io.sightline.storage;

import static io.sightline.storage.StorageFixture.bind;
import static io.sightline.storage.StorageFixture.event;
import static io.sightline.storage.StorageFixture.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.CallTree.Row;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.SpanStore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTreeTest {
    private static final long T = 1_700_000_100_000L;

    private static MetadataEntry meta(MetadataEntry.Kind kind, String text) {
        return MetadataEntry.newBuilder().setKind(kind).setId(MetadataIds.of(kind.getNumber(), text)).setValue(text).build();
    }

    @Test
    void oneTransactionAcrossTwoAgentsReadsAsOneTree() throws Exception {
        byte[] trace = StorageFixture.traceId();
        long a = StorageFixture.spanId(), b = StorageFixture.spanId(), c = StorageFixture.spanId();
        MetadataEntry show = meta(MetadataEntry.Kind.API, "OwnerController.show");
        MetadataEntry query = meta(MetadataEntry.Kind.API, "PreparedStatement.executeQuery");
        MetadataEntry connect = meta(MetadataEntry.Kind.API, "HttpURLConnection.getInputStream");
        MetadataEntry stmt = meta(MetadataEntry.Kind.API, "Statement.executeQuery");
        MetadataEntry sql1 = meta(MetadataEntry.Kind.SQL, "select * from owners where id = ? and name = ?");
        MetadataEntry sql2 = meta(MetadataEntry.Kind.SQL, "select * from pets");

        Span front = span("front", "front-1", trace, a, T, 100).setUri("/owners/1")
                .addEvents(event(1, 1, 2, 90, "METHOD").setApiId(show.getId()))
                .addEvents(event(2, 2, 5, 10, "H2").setApiId(query.getId()).setSqlId(sql1.getId())
                        .addBindValues(bind("1")).addBindValues(bind(null)).setDestination("testdb"))
                .addEvents(event(3, 2, 20, 60, "HTTP_CLIENT").setApiId(connect.getId())
                        .setDestination("back:8081").setArgument("http://back:8081/pets?owner=1").setStatus(200)
                        .setNextSpanId(b))
                .build();
        Span back = span("back", "back-1", trace, b, T + 22, 50).setUri("/pets").setParentSpanId(a)
                .setParentApplication("front").setParentServiceType("TOMCAT").setError(true).setStatus(500)
                .setException(StorageFixture.exception("org.postgresql.util.PSQLException", "relation \"pets\" does not exist"))
                .addEvents(event(1, 1, 3, 40, "POSTGRESQL").setApiId(stmt.getId()).setSqlId(sql2.getId())
                        .setDestination("pg:5432/test").setError(true)
                        .setException(StorageFixture.exception("org.postgresql.util.PSQLException", "relation \"pets\" does not exist")))
                .build();
        // parent unknown (its agent never sent it): shown at the top level, in time order
        Span orphan = span("back", "back-2", trace, c, T + 500, 7).setUri("/late").setParentSpanId(0x77)
                .setParentApplication("front").build();

        SpanStore store = new SpanStore(StorageFixture.connection());
        // arrives in two batches from two agents, child first
        store.store(List.of(back, orphan), List.of(stmt, sql2));
        store.store(List.of(front), List.of(show, query, connect, sql1));

        CallTree tree = new HBaseQueries(StorageFixture.connection()).callTree(TraceIds.traceIdHex(trace)).orElseThrow();
        assertThat(tree.transactionId()).isEqualTo(TraceIds.traceIdHex(trace));
        String ha = TraceIds.spanIdHex(a), hb = TraceIds.spanIdHex(b), hc = TraceIds.spanIdHex(c);
        assertThat(tree.callTree()).containsExactly(
                new Row(1, 0, 0, "front", "front-1", "TOMCAT", "GET /owners/1", null, null, T, 100, 10, false, null, null, 200, ha),
                new Row(2, 1, 1, "front", "front-1", "METHOD", "OwnerController.show", null, null, T + 2, 90, 20, false, null, null, null, ha),
                new Row(3, 2, 2, "front", "front-1", "H2", "PreparedStatement.executeQuery",
                        "select * from owners where id = ? and name = ?", Arrays.asList("1", null), T + 5, 10, 10, false, null,
                        "testdb", null, ha),
                new Row(4, 2, 2, "front", "front-1", "HTTP_CLIENT", "HttpURLConnection.getInputStream",
                        "http://back:8081/pets?owner=1", null, T + 20, 60, 10, false, null, "back:8081", 200, ha),
                new Row(5, 4, 3, "back", "back-1", "TOMCAT", "GET /pets", null, null, T + 22, 50, 10, true,
                        "org.postgresql.util.PSQLException: relation \"pets\" does not exist", null, 500, hb),
                new Row(6, 5, 4, "back", "back-1", "POSTGRESQL", "Statement.executeQuery", "select * from pets", List.of(),
                        T + 25, 40, 40, true, "org.postgresql.util.PSQLException: relation \"pets\" does not exist",
                        "pg:5432/test", null, hb),
                new Row(7, 0, 0, "back", "back-2", "TOMCAT", "GET /late", null, null, T + 500, 7, 7, false, null, null, 200, hc));
    }

    @Test
    void unknownAndMalformedIds() {
        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        assertThat(q.callTree("0123456789abcdef0123456789abcdef")).isEmpty();
        assertThatThrownBy(() -> q.callTree("xyz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactionId");
    }
}
