package io.sightline.storage.read;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.storage.Texts;
import io.sightline.storage.query.CallTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;

/** Reads one trace row (every span of the transaction) and assembles the call tree. */
final class CallTreeReader {
    private final Connection connection;

    CallTreeReader(Connection connection) {
        this.connection = connection;
    }

    Optional<CallTree> read(String transactionId) throws IOException {
        byte[] traceId = TraceIds.parseTraceId(transactionId);
        if (traceId == null) {
            throw new IllegalArgumentException("transactionId must be 32 hex characters");
        }
        List<Span> spans = new ArrayList<>();
        try (Table t = connection.getTable(Tables.TRACES)) {
            Result r = t.get(new Get(traceId).addFamily(Tables.TRACES_CF));
            if (r.isEmpty()) {
                return Optional.empty();
            }
            for (Cell c : r.rawCells()) {
                try {
                    spans.add(Span.parseFrom(CellUtil.cloneValue(c)));
                } catch (InvalidProtocolBufferException e) {
                    // a damaged cell must not hide the rest of the transaction
                }
            }
        }
        Map<Long, String> texts = metadata(spans);
        return Optional.of(new CallTree(TraceIds.traceIdHex(traceId), assemble(spans, texts)));
    }

    private Map<Long, String> metadata(List<Span> spans) throws IOException {
        Set<Long> api = new LinkedHashSet<>();
        Set<Long> sql = new LinkedHashSet<>();
        for (Span s : spans) {
            for (SpanEvent e : s.getEventsList()) {
                if (e.getApiId() != 0) {
                    api.add(e.getApiId());
                }
                if (e.getSqlId() != 0) {
                    sql.add(e.getSqlId());
                }
            }
        }
        List<Get> gets = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        for (long id : api) {
            gets.add(new Get(RowKeys.metadataRow(MetadataEntry.Kind.API_VALUE, id)));
            keys.add(key(MetadataEntry.Kind.API_VALUE, id));
        }
        for (long id : sql) {
            gets.add(new Get(RowKeys.metadataRow(MetadataEntry.Kind.SQL_VALUE, id)));
            keys.add(key(MetadataEntry.Kind.SQL_VALUE, id));
        }
        Map<Long, String> out = new HashMap<>();
        if (gets.isEmpty()) {
            return out;
        }
        try (Table t = connection.getTable(Tables.METADATA)) {
            Result[] rs = t.get(gets);
            for (int i = 0; i < rs.length; i++) {
                byte[] v = rs[i].getValue(Tables.METADATA_CF, Tables.METADATA_VALUE);
                if (v != null) {
                    out.put(keys.get(i), new String(v, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static long key(int kind, long id) {
        return id * 31 + kind;
    }

    /** A row before numbering: what it shows and its children in call order. */
    private static final class Node {
        final Span span;
        final SpanEvent event; // null for the span's own row
        final List<Node> children = new ArrayList<>();

        Node(Span span, SpanEvent event) {
            this.span = span;
            this.event = event;
        }

        long start() {
            return span.getStartTime() + (event == null ? 0 : event.getStartOffset());
        }

        long elapsed() {
            return Math.max(0, event == null ? span.getElapsed() : event.getElapsed());
        }
    }

    /** Spans to rows: events nest by depth, a child span goes under the event that called it. */
    static List<CallTree.Row> assemble(List<Span> spans, Map<Long, String> texts) {
        Comparator<Span> byStart = Comparator.comparingLong(Span::getStartTime)
                .thenComparingInt(Span::getStartMicros).thenComparingLong(Span::getSpanId);
        List<Span> ordered = new ArrayList<>(spans);
        ordered.sort(byStart);
        Map<Long, Node> spanNodes = new HashMap<>();
        Map<Long, Node> callers = new HashMap<>(); // next_span_id -> event row
        for (Span s : ordered) {
            Node root = new Node(s, null);
            spanNodes.putIfAbsent(s.getSpanId(), root);
            List<SpanEvent> events = new ArrayList<>(s.getEventsList());
            events.sort(Comparator.comparingInt(SpanEvent::getSequence));
            // stack[d] = the last row at depth d (0 = the span row)
            List<Node> stack = new ArrayList<>();
            stack.add(root);
            for (SpanEvent e : events) {
                Node n = new Node(s, e);
                int depth = Math.max(1, e.getDepth());
                while (stack.size() > depth) {
                    stack.remove(stack.size() - 1);
                }
                stack.get(stack.size() - 1).children.add(n);
                stack.add(n);
                if (e.getNextSpanId() != 0) {
                    callers.putIfAbsent(e.getNextSpanId(), n);
                }
            }
        }
        List<Node> roots = new ArrayList<>();
        for (Span s : ordered) {
            Node node = spanNodes.get(s.getSpanId());
            if (node.span != s) {
                continue; // duplicate span id (never stored twice, but be safe)
            }
            Node caller = callers.get(s.getSpanId());
            if (caller != null && caller.span != s) {
                caller.children.add(node);
            } else if (s.getParentSpanId() != 0 && spanNodes.containsKey(s.getParentSpanId())
                    && spanNodes.get(s.getParentSpanId()).span != s) {
                spanNodes.get(s.getParentSpanId()).children.add(node);
            } else {
                roots.add(node);
            }
        }
        List<CallTree.Row> rows = new ArrayList<>();
        int[] nextId = {1};
        for (Node r : roots) {
            emit(r, 0, 0, rows, nextId, texts, new java.util.IdentityHashMap<>());
        }
        return rows;
    }

    private static void emit(Node n, int parentId, int depth, List<CallTree.Row> out, int[] nextId,
                             Map<Long, String> texts, Map<Node, Boolean> seen) {
        if (seen.put(n, Boolean.TRUE) != null) {
            return; // a cycle in bad data
        }
        int id = nextId[0]++;
        long childSum = 0;
        for (Node c : n.children) {
            childSum += c.elapsed();
        }
        long self = Math.max(0, n.elapsed() - childSum);
        Span s = n.span;
        String spanIdHex = TraceIds.spanIdHex(s.getSpanId());
        if (n.event == null) {
            String api = s.getMethod().isEmpty() ? s.getUri() : s.getMethod() + " " + s.getUri();
            out.add(new CallTree.Row(id, parentId, depth, s.getApplicationName(), s.getAgentId(),
                    Texts.serviceType(s.getServiceType()), api, null, null, s.getStartTime(), n.elapsed(), self,
                    s.getError(), Texts.exception(s), null, s.getStatus() == 0 ? null : s.getStatus(), spanIdHex));
        } else {
            SpanEvent e = n.event;
            String api = e.getApiId() == 0 ? e.getServiceType()
                    : texts.getOrDefault(key(MetadataEntry.Kind.API_VALUE, e.getApiId()),
                    "unknown API " + Long.toHexString(e.getApiId()));
            String argument;
            List<String> binds = null;
            if (e.getSqlId() != 0) {
                argument = texts.get(key(MetadataEntry.Kind.SQL_VALUE, e.getSqlId()));
                if (argument == null) {
                    argument = Texts.emptyToNull(e.getArgument());
                }
                binds = new ArrayList<>(e.getBindValuesCount());
                for (BindValue b : e.getBindValuesList()) {
                    binds.add(b.getNull() ? null : b.getValue());
                }
            } else {
                argument = Texts.emptyToNull(e.getArgument());
            }
            out.add(new CallTree.Row(id, parentId, depth, s.getApplicationName(), s.getAgentId(), e.getServiceType(),
                    api, argument, binds, n.start(), n.elapsed(), self, e.getError(),
                    Texts.exception(e.getException(), e.hasException()), Texts.emptyToNull(e.getDestination()),
                    e.getStatus() == 0 ? null : e.getStatus(), spanIdHex));
        }
        for (Node c : n.children) {
            emit(c, id, depth + 1, out, nextId, texts, seen);
        }
    }
}
