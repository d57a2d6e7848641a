package io.sightline.storage.read;

import io.sightline.hbase.schema.IndexCell;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;
import io.sightline.storage.Texts;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.hadoop.hbase.CompareOperator;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.BinaryComponentComparator;
import org.apache.hadoop.hbase.filter.Filter;
import org.apache.hadoop.hbase.filter.FilterList;
import org.apache.hadoop.hbase.filter.RegexStringComparator;
import org.apache.hadoop.hbase.filter.SingleColumnValueFilter;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Reads the trace index for the scatter and the transaction list. Every filter of the contract
 * runs on the region servers with HBase's built-in filters; the salt buckets are scanned in
 * parallel and merged newest first, each bucket reading only as far as the page needs.
 */
final class IndexReader {
    private static final byte CURSOR_VERSION = 1;
    private final Connection connection;
    private final ExecutorService executor;

    IndexReader(Connection connection, ExecutorService executor) {
        this.connection = connection;
        this.executor = executor;
    }

    ScatterPage scatter(TransactionQuery q) {
        List<ScatterPage.Point> points = new ArrayList<>(Math.min(q.limit(), 16_384));
        Page page = read(q, (r, f, d) -> points.add(new ScatterPage.Point(
                TraceIds.traceIdHex(RowKeys.indexTraceId(r.getRow())), d.getAgentId(),
                RowKeys.indexStartTime(r.getRow()), IndexCell.elapsed(f), IndexCell.error(f))));
        return new ScatterPage(points, page.complete, page.next);
    }

    TransactionPage transactions(TransactionQuery q) {
        List<TransactionPage.Row> rows = new ArrayList<>(Math.min(q.limit(), 16_384));
        Page page = read(q, (r, f, d) -> rows.add(new TransactionPage.Row(
                TraceIds.traceIdHex(RowKeys.indexTraceId(r.getRow())), q.application(), d.getAgentId(),
                RowKeys.indexStartTime(r.getRow()), IndexCell.elapsed(f), IndexCell.uri(f),
                Texts.emptyToNull(d.getUriTemplate()), Texts.emptyToNull(d.getClientIp()), IndexCell.error(f),
                Texts.exception(d), d.getStatus(), Texts.emptyToNull(d.getMethod()))));
        return new TransactionPage(rows, page.complete, page.next);
    }

    /** Receives one matching index row: the row, its filter cell and its details. */
    private interface Sink {
        void accept(Result row, byte[] filter, Span details);
    }

    private record Page(boolean complete, String next) {
    }

    private Page read(TransactionQuery q, Sink sink) {
        if (q.limit() < 1 || q.limit() > TransactionQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + TransactionQuery.MAX_LIMIT);
        }
        if (q.from() >= q.to()) {
            return new Page(true, null);
        }
        byte[] app = RowKeys.hash(q.application());
        byte[] after = q.cursor() == null ? null : decodeCursor(q.cursor(), q.from(), q.to());
        int limit = q.limit();
        List<Future<Bucket>> opening = new ArrayList<>(RowKeys.SALT_BUCKETS);
        for (int salt = 0; salt < RowKeys.SALT_BUCKETS; salt++) {
            Scan scan = scan(q, salt, app, after, limit);
            opening.add(executor.submit(() -> new Bucket(connection, scan)));
        }
        PriorityQueue<Bucket> heads = new PriorityQueue<>((a, b) -> Bytes.compareTo(a.headSuffix, b.headSuffix));
        List<Bucket> all = new ArrayList<>();
        try {
            for (Future<Bucket> f : opening) {
                Bucket b = get(f);
                all.add(b);
                if (b.advance()) {
                    heads.add(b);
                }
            }
            int n = 0;
            byte[] lastSuffix = null;
            while (!heads.isEmpty()) {
                Bucket b = heads.poll();
                if (n == limit) {
                    // one more exists: the page was cut
                    return new Page(false, encodeCursor(lastSuffix));
                }
                byte[] f = b.head.getValue(Tables.INDEX_CF, Tables.IDX_FILTER);
                Span d = details(b.head, f);
                // the filter compared the agent id's hash; a hash collision must not pass
                if (f != null && (q.agentId() == null || q.agentId().equals(d.getAgentId()))) {
                    sink.accept(b.head, f, d);
                    n++;
                }
                lastSuffix = b.headSuffix;
                if (b.advance()) {
                    heads.add(b);
                }
            }
            return new Page(true, null);
        } finally {
            for (Bucket b : all) {
                b.close();
            }
            for (Future<Bucket> f : opening) {
                if (!f.isDone() || f.isCancelled()) {
                    continue;
                }
                try {
                    Bucket b = f.get();
                    if (!all.contains(b)) {
                        b.close();
                    }
                } catch (Exception ignored) {
                    // failed to open: nothing to close
                }
            }
        }
    }

    private static Bucket get(Future<Bucket> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        }
    }

    /** One salt bucket's scanner with its current row. */
    private static final class Bucket implements AutoCloseable {
        private final Table table;
        private final ResultScanner scanner;
        private final Iterator<Result> it;
        Result head;
        byte[] headSuffix;

        Bucket(Connection connection, Scan scan) throws IOException {
            this.table = connection.getTable(Tables.TRACE_INDEX);
            this.scanner = table.getScanner(scan);
            this.it = scanner.iterator();
        }

        boolean advance() {
            if (it.hasNext()) {
                head = it.next();
                headSuffix = RowKeys.indexSuffix(head.getRow());
                return true;
            }
            head = null;
            return false;
        }

        @Override
        public void close() {
            scanner.close();
            try {
                table.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    static Scan scan(TransactionQuery q, int salt, byte[] app, byte[] after, int limit) {
        byte[] start = RowKeys.indexScanStart(salt, app, q.to());
        if (after != null) {
            byte[] resume = RowKeys.indexResumeAfter(salt, app, after);
            if (Bytes.compareTo(resume, start) > 0) {
                start = resume;
            }
        }
        Scan scan = new Scan().withStartRow(start, true).withStopRow(RowKeys.indexScanStop(salt, app, q.from()), false);
        scan.setLimit(limit + 1);
        scan.setCaching(Math.min(limit + 1, 2000));
        scan.readVersions(1);
        scan.addColumn(Tables.INDEX_CF, Tables.IDX_FILTER).addColumn(Tables.INDEX_CF, Tables.IDX_DETAILS);
        Filter f = filter(q);
        if (f != null) {
            scan.setFilter(f);
        }
        return scan;
    }

    /** The contract's filters as built-in HBase filters on the filter cell (null when there is none). */
    static Filter filter(TransactionQuery q) {
        List<Filter> all = new ArrayList<>();
        if (q.minElapsed() != null) {
            all.add(column(CompareOperator.GREATER_OR_EQUAL,
                    new BinaryComponentComparator(RowKeys.longBytes(Math.max(0, q.minElapsed())), IndexCell.ELAPSED)));
        }
        if (q.maxElapsed() != null) {
            if (q.maxElapsed() < 0) {
                all.add(column(CompareOperator.LESS, new BinaryComponentComparator(RowKeys.longBytes(0), IndexCell.ELAPSED)));
            } else {
                all.add(column(CompareOperator.LESS_OR_EQUAL,
                        new BinaryComponentComparator(RowKeys.longBytes(q.maxElapsed()), IndexCell.ELAPSED)));
            }
        }
        if (q.error() != null) {
            all.add(column(CompareOperator.EQUAL,
                    new BinaryComponentComparator(new byte[] {(byte) (q.error() ? 1 : 0)}, IndexCell.ERROR)));
        }
        if (q.clientIp() != null) {
            all.add(column(CompareOperator.EQUAL, new BinaryComponentComparator(new byte[] {1}, IndexCell.HAS_IP)));
            all.add(column(CompareOperator.GREATER_OR_EQUAL, new BinaryComponentComparator(q.clientIp().low(), IndexCell.IP)));
            all.add(column(CompareOperator.LESS_OR_EQUAL, new BinaryComponentComparator(q.clientIp().high(), IndexCell.IP)));
        }
        if (q.url() != null) {
            // skip the fixed header, then match the URI's bytes (ISO-8859-1: one byte, one
            // character), which end at the value's end (older rows) or at the details mark 0xFF
            // (one-cell rows); UTF-8 never holds 0xFF, so neither the text nor the URI does
            String header = "\\A[\\s\\S]{" + IndexCell.URI + "}";
            String regex = q.url().glob()
                    ? header + globOverBytes(q.url().text()) + "(?:" + URI_END + "[\\s\\S]*)?\\z"
                    : header + URI_CHAR + "*" + Pattern.quote(IndexCell.asLatin1(q.url().text()));
            RegexStringComparator c = new RegexStringComparator(regex);
            c.setCharset(StandardCharsets.ISO_8859_1);
            all.add(column(CompareOperator.EQUAL, c));
        }
        if (q.agentId() != null) {
            all.add(column(CompareOperator.EQUAL, new BinaryComponentComparator(RowKeys.hash(q.agentId()), IndexCell.AGENT)));
        }
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : new FilterList(FilterList.Operator.MUST_PASS_ALL, all);
    }

    /** The details mark as the regex sees it (ISO-8859-1). */
    private static final String URI_END = "\\x" + String.format(java.util.Locale.ROOT, "%02X", IndexCell.DETAILS_MARK & 0xff);
    /** Any byte of a URI: anything but the details mark. */
    private static final String URI_CHAR = "[^" + URI_END + "]";

    /** A glob ("*" = any run of characters, the rest literal) as a regex over the URI's bytes. */
    static String globOverBytes(String glob) {
        StringBuilder re = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= glob.length(); i++) {
            if (i == glob.length() || glob.charAt(i) == '*') {
                if (i > start) {
                    re.append(Pattern.quote(IndexCell.asLatin1(glob.substring(start, i))));
                }
                if (i < glob.length()) {
                    re.append(URI_CHAR).append('*');
                }
                start = i + 1;
            }
        }
        return re.toString();
    }

    /** A row's details: after the URI in its filter cell (one-cell rows) or in a cell of their own (older rows). */
    private static Span details(Result r, byte[] filter) {
        byte[] v = filter == null ? null : IndexCell.details(filter);
        if (v == null) {
            v = r.getValue(Tables.INDEX_CF, Tables.IDX_DETAILS);
        }
        if (v == null) {
            return Span.getDefaultInstance();
        }
        try {
            return Span.parseFrom(v);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Span.getDefaultInstance();
        }
    }

    private static SingleColumnValueFilter column(CompareOperator op, org.apache.hadoop.hbase.filter.ByteArrayComparable c) {
        SingleColumnValueFilter f = new SingleColumnValueFilter(Tables.INDEX_CF, Tables.IDX_FILTER, op, c);
        f.setFilterIfMissing(true);
        f.setLatestVersionOnly(true);
        return f;
    }

    static String encodeCursor(byte[] suffix) {
        byte[] b = new byte[1 + suffix.length];
        b[0] = CURSOR_VERSION;
        System.arraycopy(suffix, 0, b, 1, suffix.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Throws IllegalArgumentException naming "cursor" when it is not one of ours for this window. */
    static byte[] decodeCursor(String cursor, long from, long to) {
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not valid");
        }
        if (b.length != 1 + RowKeys.INDEX_SUFFIX_LENGTH || b[0] != CURSOR_VERSION) {
            throw new IllegalArgumentException("cursor is not valid");
        }
        byte[] suffix = Arrays.copyOfRange(b, 1, b.length);
        long t = RowKeys.reverse(RowKeys.getLong(suffix, 0));
        if (t < from || t >= to) {
            throw new IllegalArgumentException("cursor does not belong to the window [from, to)");
        }
        return suffix;
    }

}
