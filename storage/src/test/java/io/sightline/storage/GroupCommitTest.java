package io.sightline.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.junit.jupiter.api.Test;

/** Group commit: many concurrent batches written as a few groups; the index row is the commit mark. */
class GroupCommitTest {

    private static List<Span> spans(String app, long start, int n) {
        List<Span> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(StorageFixture.span(app, app + "-1", StorageFixture.traceId(), StorageFixture.spanId(), start + i, 5 + i).build());
        }
        return out;
    }

    private static List<String> listed(HBaseQueries q, String app, long start) {
        ScatterPage page = q.scatter(new TransactionQuery(app, start, start + 60_000, null, null, null, null, null, null, 100_000, null));
        return page.points().stream().map(ScatterPage.Point::transactionId).toList();
    }

    private static String hex(Span s) {
        return TraceIds.traceIdHex(s.getTraceId().toByteArray());
    }

    @Test
    void concurrentBatchesShareGroupsAndEachCompletesWithItsOwnNewSpans() throws Exception {
        String app = "group-commit";
        long start = 1_700_000_200_000L;
        SpanStore store = new SpanStore(StorageFixture.connection(), 1);
        List<List<Span>> batches = new ArrayList<>();
        List<CompletableFuture<List<Span>>> results = new ArrayList<>();
        for (int b = 0; b < 100; b++) {
            batches.add(spans(app, start + b * 10L, 10));
        }
        for (List<Span> b : batches) {
            results.add(store.storeAsync(b, List.of()));
        }
        for (int b = 0; b < batches.size(); b++) {
            assertThat(results.get(b).get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(batches.get(b));
        }
        // queued while the first group was written: the 100 batches took far fewer HBase round trips
        assertThat(store.requestsCommitted()).isEqualTo(100);
        assertThat(store.groupsCommitted()).isBetween(1L, 10L);

        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        List<String> all = batches.stream().flatMap(List::stream).map(GroupCommitTest::hex).toList();
        assertThat(listed(q, app, start)).hasSize(1000).containsExactlyInAnyOrderElementsOf(all);
        // every listed transaction has its call tree
        for (int i = 0; i < all.size(); i += 97) {
            assertThat(q.callTree(all.get(i))).isPresent();
        }
        q.close();
        // a resend of everything (one group or many) is stored once and reported new never again
        List<CompletableFuture<List<Span>>> again = new ArrayList<>();
        for (List<Span> b : batches) {
            again.add(store.storeAsync(b, List.of()));
        }
        for (CompletableFuture<List<Span>> f : again) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEmpty();
        }
        store.close();
    }

    @Test
    void aSpanWhoseTracesCellWasWrittenButNotItsIndexRowIsNewOnResend() throws Exception {
        String app = "commit-mark";
        long start = 1_700_000_300_000L;
        List<Span> batch = spans(app, start, 3);
        Span halfStored = batch.get(1);
        // a group that failed between its traces write and its index write left only the traces cell
        try (Table t = StorageFixture.connection().getTable(Tables.TRACES)) {
            t.put(new Put(halfStored.getTraceId().toByteArray()).addColumn(Tables.TRACES_CF,
                    RowKeys.spanQualifier(halfStored.getAgentId(), halfStored.getSpanId()), halfStored.toByteArray()));
        }
        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        assertThat(listed(q, app, start)).isEmpty(); // not listed: the index row is the commit mark
        SpanStore store = new SpanStore(StorageFixture.connection());
        // the resend stores all three and reports all three new (counted once on the map, now)
        assertThat(store.store(batch, List.of())).containsExactlyElementsOf(batch);
        assertThat(listed(q, app, start)).containsExactlyInAnyOrder(hex(batch.get(0)), hex(batch.get(1)), hex(batch.get(2)));
        assertThat(q.callTree(hex(halfStored)).orElseThrow().callTree()).singleElement()
                .satisfies(r -> assertThat(r.elapsed()).isEqualTo(halfStored.getElapsed()));
        assertThat(store.store(batch, List.of())).isEmpty();
        q.close();
        store.close();
    }

    @Test
    void aClosedStoreRefusesBatches() {
        SpanStore store = new SpanStore(StorageFixture.connection(), 1);
        store.close();
        CompletableFuture<List<Span>> f = store.storeAsync(spans("closed", 1_700_000_400_000L, 1), List.of());
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("closed");
    }
}
