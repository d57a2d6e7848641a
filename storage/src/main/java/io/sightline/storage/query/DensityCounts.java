package io.sightline.storage.query;

import java.util.List;

/**
 * The scatter density pre-aggregated at ingest over whole 5 s buckets [from, to) (see
 * io.sightline.hbase.schema.ScatterCells): counts per (bucket, logarithmic elapsed row) and the
 * points of sparse cells (at most {@code exactPerCell} spans in the cell).
 *
 * @param since the aggregate covers spans that started at or after this time (buckets before it
 *              were written before the density table existed); Long.MAX_VALUE when it does not exist
 */
public record DensityCounts(long from, long to, long since, List<Cell> cells, List<ScatterPage.Point> points) {

    /** One bucket's row: its start, the elapsed row, and the spans counted per outcome. */
    public record Cell(long bucket, int row, long success, long error) {
    }
}
