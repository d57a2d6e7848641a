package io.sightline.web.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sightline.hbase.schema.ScatterCells;
import io.sightline.storage.query.ScatterPage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bins scatter points into a grid so that a million of them reach the browser as a few thousand
 * cells. Columns split [from, to) evenly; rows are logarithmic elapsed buckets (each about 4%
 * wide, fixed whatever the request) so that the UI can draw them on any elapsed scale. A point
 * is never lost: every point lies in a painted cell, and the points of sparse cells (at most
 * {@link #EXACT_PER_CELL}) are also returned exactly, so isolated outliers stay clickable dots;
 * of those, at most {@code maxExact}, the slowest first (the outliers people look for).
 */
public final class ScatterDensity {
    /** Row bucket growth: bucket r >= 1 holds elapsed in [RATIO^(r-1), RATIO^r). */
    static final double RATIO = ScatterCells.RATIO;
    static final int EXACT_PER_CELL = 2;

    private final long from;
    private final long to;
    private final int columns;
    private final Map<Long, Cell> cells = new HashMap<>();
    private long total;
    private long errors;
    private long maxElapsed = -1;
    private long minElapsed = Long.MAX_VALUE;

    private static final class Cell {
        final long position;
        long success;
        long error;
        final ScatterPage.Point[] first = new ScatterPage.Point[EXACT_PER_CELL];

        Cell(long position) {
            this.position = position;
        }
    }

    public ScatterDensity(long from, long to, int columns) {
        if (from >= to || columns < 1) {
            throw new IllegalArgumentException("need from < to and columns >= 1");
        }
        this.from = from;
        this.to = to;
        this.columns = columns;
    }

    /** The row of an elapsed time: 0 for 0 ms, then logarithmic buckets (as stored at ingest). */
    public static int row(long elapsed) {
        return ScatterCells.row(elapsed);
    }

    /** The smallest elapsed (ms, may be fractional) that falls in {@code row}. */
    public static double lowerBound(int row) {
        return ScatterCells.lowerBound(row);
    }

    /** More rows than any elapsed time has: row(Long.MAX_VALUE) is about 1,100. */
    static final long ROW_SPAN = 4096;

    /** A cell's place: column * ROW_SPAN + row, which orders cells by column, then row. */
    private static long position(int column, int row) {
        return column * ROW_SPAN + Math.min(row, ROW_SPAN - 1);
    }

    /**
     * The map key of a position, its bits mixed by an odd multiplier (one to one): a grid of
     * positions, whether column << 32 | row or column * 4096 + row, lands in few of HashMap's
     * power-of-two buckets, and 60,000 cells went through tree bins (most of a summary's time).
     */
    static long hashKey(long position) {
        return position * 0x9E3779B97F4A7C15L;
    }

    public int column(long startTime) {
        long c = (startTime - from) * columns / (to - from);
        return (int) Math.max(0, Math.min(columns - 1, c));
    }

    public void add(ScatterPage.Point p) {
        int col = column(p.startTime());
        int row = row(p.elapsed());
        long at = position(col, row);
        Cell cell = cells.computeIfAbsent(hashKey(at), k -> new Cell(at));
        keep(cell, p);
        if (p.error()) {
            cell.error++;
            errors++;
        } else {
            cell.success++;
        }
        total++;
        maxElapsed = Math.max(maxElapsed, p.elapsed());
        minElapsed = Math.min(minElapsed, p.elapsed());
    }

    private static void keep(Cell cell, ScatterPage.Point p) {
        for (int i = 0; i < cell.first.length; i++) {
            if (cell.first[i] == null) {
                cell.first[i] = p;
                return;
            }
        }
    }

    /**
     * Adds counts pre-aggregated at ingest: {@code success} and {@code error} spans of one time
     * bucket starting at {@code bucketStart} in elapsed {@code row}, with the points of that cell
     * when it was sparse. The elapsed range grows by the row's bounds (its points give the exact
     * extremes when known).
     */
    public void addCounts(long bucketStart, int row, long success, long error, List<ScatterPage.Point> points) {
        long n = success + error;
        if (n <= 0) {
            return;
        }
        long at = position(column(bucketStart), row);
        Cell cell = cells.computeIfAbsent(hashKey(at), k -> new Cell(at));
        for (ScatterPage.Point p : points) {
            keep(cell, p);
        }
        cell.success += success;
        cell.error += error;
        errors += error;
        total += n;
        if (points.size() == n) {
            for (ScatterPage.Point p : points) {
                maxElapsed = Math.max(maxElapsed, p.elapsed());
                minElapsed = Math.min(minElapsed, p.elapsed());
            }
        } else {
            maxElapsed = Math.max(maxElapsed, (long) Math.ceil(lowerBound(row + 1)) - 1);
            minElapsed = Math.min(minElapsed, (long) Math.ceil(lowerBound(row)));
        }
    }

    public long total() {
        return total;
    }

    /**
     * The JSON body of /api/scatter/density (and of the summary): {@code cells} as
     * [column, row, successes, errors] here, sent as {@link Columns}.
     */
    public record Result(long from, long to, int columns, double rowRatio, long total, long errors,
                         Long minElapsed, Long maxElapsed, @JsonIgnore List<long[]> cells, List<ScatterPage.Point> points,
                         boolean pointsComplete, boolean complete) {
        /** The cells as they are sent. */
        @JsonProperty("cells")
        public Columns encodedCells() {
            return Columns.of(cells);
        }
    }

    /**
     * Cells (ordered by column, then row) as four arrays of small numbers instead of one array
     * per cell: a tenth of the objects for the browser to parse and about a third fewer bytes.
     * {@code columnDelta}: the column minus the previous cell's (the first: the column itself);
     * {@code rowDelta}: the row minus the previous cell's row in the same column (the first
     * cell of a column: the row itself); {@code success}, {@code error}: the counts.
     */
    public record Columns(long[] columnDelta, long[] rowDelta, long[] success, long[] error) {
        static Columns of(List<long[]> cells) {
            int n = cells.size();
            long[] dc = new long[n];
            long[] dr = new long[n];
            long[] ok = new long[n];
            long[] bad = new long[n];
            long column = 0;
            long row = 0;
            for (int i = 0; i < n; i++) {
                long[] c = cells.get(i);
                dc[i] = c[0] - column;
                dr[i] = i > 0 && c[0] == column ? c[1] - row : c[1];
                ok[i] = c[2];
                bad[i] = c[3];
                column = c[0];
                row = c[1];
            }
            return new Columns(dc, dr, ok, bad);
        }
    }

    /** Cells as [column, row, successes, errors], ordered by column then row. */
    public Result result(boolean complete) {
        return result(complete, Integer.MAX_VALUE);
    }

    /** As {@link #result(boolean)}, with at most {@code maxExact} exact points, the slowest kept. */
    public Result result(boolean complete, int maxExact) {
        List<long[]> out = new ArrayList<>(cells.size());
        List<ScatterPage.Point> exact = new ArrayList<>();
        cells.values().stream().sorted(java.util.Comparator.comparingLong(c -> c.position)).forEach(c -> {
            out.add(new long[] {c.position / ROW_SPAN, c.position % ROW_SPAN, c.success, c.error});
            if (c.success + c.error <= EXACT_PER_CELL) {
                for (ScatterPage.Point p : c.first) {
                    if (p != null) {
                        exact.add(p);
                    }
                }
            }
        });
        boolean allExact = exact.size() <= maxExact;
        if (!allExact) {
            exact.sort((a, b) -> Long.compare(b.elapsed(), a.elapsed()));
            exact.subList(maxExact, exact.size()).clear();
        }
        exact.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return new Result(from, to, columns, RATIO, total, errors,
                total == 0 ? null : minElapsed, total == 0 ? null : maxElapsed, out, exact, allExact, complete);
    }
}
