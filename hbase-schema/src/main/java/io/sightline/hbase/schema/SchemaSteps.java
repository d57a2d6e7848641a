package io.sightline.hbase.schema;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.apache.hadoop.hbase.util.Bytes;

/** The ordered list of schema steps. Add new steps at the end; never change a released one. */
public final class SchemaSteps {
    private static final byte[] DENSITY_SINCE_ROW = Bytes.toBytes("scatter-density-since");
    private static final byte[] DENSITY_SINCE_COL = Bytes.toBytes("v");

    private SchemaSteps() {
    }

    /**
     * Start times from which the scatter density table holds every stored span: Long.MIN_VALUE
     * when it was created before any trace, Long.MAX_VALUE when it does not exist yet.
     */
    public static long scatterDensitySince(Connection connection) throws IOException {
        try (Admin admin = connection.getAdmin()) {
            if (!admin.tableExists(Tables.SCHEMA)) {
                return Long.MAX_VALUE;
            }
        }
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            byte[] v = t.get(new Get(DENSITY_SINCE_ROW).addColumn(Tables.SCHEMA_CF, DENSITY_SINCE_COL))
                    .getValue(Tables.SCHEMA_CF, DENSITY_SINCE_COL);
            return v == null ? Long.MAX_VALUE : Bytes.toLong(v);
        }
    }

    public static List<SchemaStep> all() {
        return List.of(new CreateTables(), new ScatterDensityTable());
    }

    /** Version reached once every step has run. */
    public static int latest() {
        List<SchemaStep> all = all();
        return all.get(all.size() - 1).version();
    }

    /** Step 1: the namespace and the first set of tables. */
    static final class CreateTables implements SchemaStep {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public String name() {
            return "create-tables";
        }

        @Override
        public void apply(SchemaContext ctx) throws IOException {
            ctx.ensureNamespace(Tables.NAMESPACE);
            for (TableDescriptor t : List.of(Tables.agents(), Tables.traces(ctx.retentionDays()),
                    Tables.traceIndex(ctx.retentionDays()), Tables.mapStats(ctx.retentionDays()),
                    Tables.agentStats(ctx.retentionDays()), Tables.metadata(), Tables.endpoints(ctx.retentionDays()))) {
                ctx.ensureTable(t);
            }
        }
    }

    /** Step 2: the scatter density pre-aggregated at ingest (first paint of big scatter windows). */
    static final class ScatterDensityTable implements SchemaStep {
        @Override
        public int version() {
            return 2;
        }

        @Override
        public String name() {
            return "scatter-density";
        }

        @Override
        public void apply(SchemaContext ctx) throws IOException {
            ctx.ensureTable(Tables.scatterDensity(ctx.retentionDays()));
            if (ctx.dryRun()) {
                return;
            }
            // spans stored before this table existed are not in it: readers take the time from
            // which it is complete from here (from the beginning on a schema without traces yet)
            Connection c = ctx.admin().getConnection();
            long since;
            try (Table index = c.getTable(Tables.TRACE_INDEX);
                 ResultScanner s = index.getScanner(new Scan().setLimit(1).setFilter(new FirstKeyOnlyFilter()))) {
                since = s.next() == null ? Long.MIN_VALUE : System.currentTimeMillis();
            }
            try (Table schema = c.getTable(Tables.SCHEMA)) {
                schema.checkAndMutate(CheckAndMutate.newBuilder(DENSITY_SINCE_ROW)
                        .ifNotExists(Tables.SCHEMA_CF, DENSITY_SINCE_COL)
                        .build(new Put(DENSITY_SINCE_ROW).addColumn(Tables.SCHEMA_CF, DENSITY_SINCE_COL, Bytes.toBytes(since))));
            }
        }
    }
}
