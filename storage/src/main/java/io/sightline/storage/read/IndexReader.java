package io.sightline.storage.read;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.TraceIds;
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
import org.apache.hadoop.hbase.filter.BinaryComparator;
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
        Page page = read(q, false, r -> points.add(new ScatterPage.Point(
                TraceIds.traceIdHex(RowKeys.indexTraceId(r.getRow())), str(r, Tables.IDX_AGENT),
                RowKeys.indexStartTime(r.getRow()), elapsed(r), error(r))));
        return new ScatterPage(points, page.complete, page.next);
    }

    TransactionPage transactions(TransactionQuery q) {
        List<TransactionPage.Row> rows = new ArrayList<>(Math.min(q.limit(), 16_384));
        Page page = read(q, true, r -> {
            byte[] status = r.getValue(Tables.INDEX_CF, Tables.IDX_STATUS);
            rows.add(new TransactionPage.Row(TraceIds.traceIdHex(RowKeys.indexTraceId(r.getRow())), q.application(),
                    str(r, Tables.IDX_AGENT), RowKeys.indexStartTime(r.getRow()), elapsed(r), str(r, Tables.IDX_URI),
                    str(r, Tables.IDX_URI_TEMPLATE), str(r, Tables.IDX_CLIENT_IP_TEXT), error(r),
                    str(r, Tables.IDX_EXCEPTION), status == null ? 0 : Bytes.toInt(status), str(r, Tables.IDX_METHOD)));
        });
        return new TransactionPage(rows, page.complete, page.next);
    }

    private record Page(boolean complete, String next) {
    }

    private Page read(TransactionQuery q, boolean allColumns, java.util.function.Consumer<Result> sink) {
        if (q.from() >= q.to()) {
            return new Page(true, null);
        }
        byte[] app = RowKeys.hash(q.application());
        byte[] after = q.cursor() == null ? null : decodeCursor(q.cursor(), q.from(), q.to());
        int limit = q.limit();
        List<Future<Bucket>> opening = new ArrayList<>(RowKeys.SALT_BUCKETS);
        for (int salt = 0; salt < RowKeys.SALT_BUCKETS; salt++) {
            Scan scan = scan(q, salt, app, after, allColumns, limit);
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
                sink.accept(b.head);
                lastSuffix = b.headSuffix;
                n++;
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

    static Scan scan(TransactionQuery q, int salt, byte[] app, byte[] after, boolean allColumns, int limit) {
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
        byte[] cf = Tables.INDEX_CF;
        if (allColumns) {
            scan.addFamily(cf);
        } else {
            scan.addColumn(cf, Tables.IDX_ELAPSED).addColumn(cf, Tables.IDX_ERROR).addColumn(cf, Tables.IDX_AGENT);
            if (q.clientIp() != null) {
                scan.addColumn(cf, Tables.IDX_CLIENT_IP);
            }
            if (q.url() != null) {
                scan.addColumn(cf, Tables.IDX_URI);
            }
        }
        Filter f = filter(q);
        if (f != null) {
            scan.setFilter(f);
        }
        return scan;
    }

    /** The contract's filters as built-in HBase filters (null when there is none). */
    static Filter filter(TransactionQuery q) {
        List<Filter> all = new ArrayList<>();
        byte[] cf = Tables.INDEX_CF;
        if (q.minElapsed() != null) {
            all.add(column(Tables.IDX_ELAPSED, CompareOperator.GREATER_OR_EQUAL,
                    new BinaryComparator(RowKeys.longBytes(Math.max(0, q.minElapsed())))));
        }
        if (q.maxElapsed() != null) {
            if (q.maxElapsed() < 0) {
                all.add(column(Tables.IDX_ELAPSED, CompareOperator.LESS, new BinaryComparator(RowKeys.longBytes(0))));
            } else {
                all.add(column(Tables.IDX_ELAPSED, CompareOperator.LESS_OR_EQUAL,
                        new BinaryComparator(RowKeys.longBytes(q.maxElapsed()))));
            }
        }
        if (q.error() != null) {
            all.add(column(Tables.IDX_ERROR, CompareOperator.EQUAL,
                    new BinaryComparator(new byte[] {(byte) (q.error() ? 1 : 0)})));
        }
        if (q.clientIp() != null) {
            all.add(column(Tables.IDX_CLIENT_IP, CompareOperator.GREATER_OR_EQUAL, new BinaryComparator(q.clientIp().low())));
            all.add(column(Tables.IDX_CLIENT_IP, CompareOperator.LESS_OR_EQUAL, new BinaryComparator(q.clientIp().high())));
        }
        if (q.url() != null) {
            String regex = q.url().glob()
                    ? "\\A" + q.url().globToRegex().pattern() + "\\z"
                    : Pattern.quote(q.url().text());
            RegexStringComparator c = new RegexStringComparator(regex, Pattern.DOTALL);
            c.setCharset(StandardCharsets.UTF_8);
            all.add(column(Tables.IDX_URI, CompareOperator.EQUAL, c));
        }
        if (q.agentId() != null) {
            all.add(column(Tables.IDX_AGENT, CompareOperator.EQUAL, new BinaryComparator(Bytes.toBytes(q.agentId()))));
        }
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : new FilterList(FilterList.Operator.MUST_PASS_ALL, all);
    }

    private static SingleColumnValueFilter column(byte[] qualifier, CompareOperator op,
                                                  org.apache.hadoop.hbase.filter.ByteArrayComparable c) {
        SingleColumnValueFilter f = new SingleColumnValueFilter(Tables.INDEX_CF, qualifier, op, c);
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

    private static String str(Result r, byte[] q) {
        byte[] v = r.getValue(Tables.INDEX_CF, q);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static long elapsed(Result r) {
        byte[] v = r.getValue(Tables.INDEX_CF, Tables.IDX_ELAPSED);
        return v == null ? 0 : RowKeys.getLong(v, 0);
    }

    private static boolean error(Result r) {
        byte[] v = r.getValue(Tables.INDEX_CF, Tables.IDX_ERROR);
        return v != null && v.length == 1 && v[0] == 1;
    }
}
