package io.sightline.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.SpanStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batches the sender flags as a first attempt skip the existence check; every other batch is checked. */
class FirstAttemptTest {

    private static List<Span> spans(String app, long start, int n) {
        List<Span> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(StorageFixture.span(app, app + "-1", StorageFixture.traceId(), StorageFixture.spanId(), start + i, 7 + i).build());
        }
        return out;
    }

    private static List<String> listed(HBaseQueries q, String app, long start) {
        ScatterPage page = q.scatter(new TransactionQuery(app, start, start + 60_000, null, null, null, null, null, null, 100_000, null));
        return page.points().stream().map(p -> p.transactionId() + "/" + p.elapsed()).toList();
    }

    private static List<String> described(List<Span> spans) {
        return spans.stream().map(s -> TraceIds.traceIdHex(s.getTraceId().toByteArray()) + "/" + s.getElapsed()).toList();
    }

    @Test
    void firstAttemptsAndCheckedResendsInOneGroupEachReportExactlyTheirNewSpans() throws Exception {
        String app = "first-attempt";
        long start = 1_700_000_500_000L;
        SpanStore store = new SpanStore(StorageFixture.connection(), 1);
        List<Span> old = spans(app, start, 4);
        assertThat(store.storeAsync(old, null, List.of(), true).get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(old);

        // one committer: these queue up behind each other and share groups
        List<List<Span>> fresh = new ArrayList<>();
        List<CompletableFuture<List<Span>>> firstResults = new ArrayList<>();
        List<CompletableFuture<List<Span>>> resendResults = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Span> batch = spans(app, start + 100 + b * 10L, 5);
            fresh.add(batch);
            firstResults.add(store.storeAsync(batch, null, List.of(), true));
            resendResults.add(store.storeAsync(old, null, List.of(), false)); // a resend: checked, nothing new
        }
        for (int b = 0; b < fresh.size(); b++) {
            assertThat(firstResults.get(b).get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(fresh.get(b));
            assertThat(resendResults.get(b).get(60, TimeUnit.SECONDS)).isEmpty();
        }
        // a resend of the first attempts is checked too: stored once, never new again
        for (List<Span> batch : fresh) {
            assertThat(store.storeAsync(batch, null, List.of(), false).get(60, TimeUnit.SECONDS)).isEmpty();
        }
        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        List<String> all = new ArrayList<>(described(old));
        fresh.forEach(b -> all.addAll(described(b)));
        assertThat(listed(q, app, start)).hasSize(104).containsExactlyInAnyOrderElementsOf(all);
        for (List<Span> b : fresh) {
            Span s = b.get(2);
            assertThat(q.callTree(TraceIds.traceIdHex(s.getTraceId().toByteArray())).orElseThrow().callTree()).singleElement()
                    .satisfies(r -> assertThat(r.elapsed()).isEqualTo(s.getElapsed()));
        }
        q.close();
        store.close();
    }

    @Test
    void theFlagIsTheSendersPromiseNotChecked() throws Exception {
        // shows that a first attempt really skips the check: spans already stored, sent again
        // with the flag (which a correct agent never does), come back as new; without it, not
        String app = "first-attempt-promise";
        long start = 1_700_000_600_000L;
        SpanStore store = new SpanStore(StorageFixture.connection());
        List<Span> batch = spans(app, start, 3);
        assertThat(store.store(batch, List.of())).containsExactlyElementsOf(batch);
        assertThat(store.storeAsync(batch, null, List.of(), false).get(60, TimeUnit.SECONDS)).isEmpty();
        assertThat(store.storeAsync(batch, null, List.of(), true).get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(batch);
        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        assertThat(listed(q, app, start)).containsExactlyInAnyOrderElementsOf(described(batch)); // rows rewritten, not doubled
        q.close();
        store.close();
    }
}
