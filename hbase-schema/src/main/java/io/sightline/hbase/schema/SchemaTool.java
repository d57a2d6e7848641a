package io.sightline.hbase.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Applies the schema idempotently: runs the steps newer than the recorded version, records each
 * one, then keeps retention-dependent TTLs in step with the setting. Safe to run any number of
 * times and from several servers at once.
 */
public final class SchemaTool {
    static final byte[] VERSION_ROW = Bytes.toBytes("version");
    static final byte[] VERSION_COL = Bytes.toBytes("v");
    static final byte[] STEP_NAME_COL = Bytes.toBytes("name");
    static final byte[] STEP_TIME_COL = Bytes.toBytes("applied");

    private SchemaTool() {
    }

    /** What an apply did (or, for a dry run, would do). */
    public record Report(int versionBefore, int versionAfter, List<String> actions, boolean dryRun) {
    }

    public static Report apply(Connection connection, int retentionDays, boolean dryRun, Consumer<String> log)
            throws IOException {
        return apply(connection, retentionDays, Tables.DEFAULT_REGIONS, dryRun, log);
    }

    /**
     * Applies the schema; {@code regions} (1, 2, 4 or 8) is how many regions the big tables start
     * with when they are created (existing tables keep theirs).
     */
    public static Report apply(Connection connection, int retentionDays, int regions, boolean dryRun, Consumer<String> log)
            throws IOException {
        Tables.ttlSeconds(retentionDays); // validates
        Tables.splitKeys(Tables.TRACES, regions); // validates
        try (Admin admin = connection.getAdmin()) {
            SchemaContext ctx = new SchemaContext(admin, retentionDays, regions, dryRun, log);
            ctx.ensureNamespace(Tables.NAMESPACE);
            ctx.ensureTable(Tables.schema());
            int before = dryRun && !admin.tableExists(Tables.SCHEMA) ? 0 : readVersion(connection);
            int version = before;
            for (SchemaStep step : SchemaSteps.all()) {
                if (step.version() <= version) {
                    continue;
                }
                ctx.action("apply step " + step.version() + " " + step.name());
                step.apply(ctx);
                if (!dryRun) {
                    recordStep(connection, step);
                }
                version = step.version();
            }
            for (TableDescriptor t : Tables.all(retentionDays)) {
                if (Tables.hasRetentionTtl(t.getTableName())) {
                    ctx.ensureTtl(t.getTableName(), t.getColumnFamilies()[0]);
                }
            }
            if (ctx.actions().isEmpty()) {
                log.accept("schema is up to date (version " + version + ")");
            }
            return new Report(before, version, new ArrayList<>(ctx.actions()), dryRun);
        }
    }

    /** The recorded schema version; 0 when the schema was never applied. */
    public static int readVersion(Connection connection) throws IOException {
        try (Admin admin = connection.getAdmin()) {
            if (!admin.tableExists(Tables.SCHEMA)) {
                return 0;
            }
        }
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            Result r = t.get(new Get(VERSION_ROW).addColumn(Tables.SCHEMA_CF, VERSION_COL));
            byte[] v = r.getValue(Tables.SCHEMA_CF, VERSION_COL);
            return v == null ? 0 : Bytes.toInt(v);
        }
    }

    /** Names of the applied steps, by version (for operators and tests). */
    public static List<String> appliedSteps(Connection connection) throws IOException {
        List<String> out = new ArrayList<>();
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            for (SchemaStep step : SchemaSteps.all()) {
                Result r = t.get(new Get(stepRow(step.version())));
                byte[] name = r.getValue(Tables.SCHEMA_CF, STEP_NAME_COL);
                if (name != null) {
                    out.add(step.version() + " " + Bytes.toString(name));
                }
            }
        }
        return out;
    }

    /** When the step of {@code version} was applied (epoch ms), or -1 when it was not. */
    public static long stepAppliedAt(Connection connection, int version) throws IOException {
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            byte[] v = t.get(new Get(stepRow(version)).addColumn(Tables.SCHEMA_CF, STEP_TIME_COL))
                    .getValue(Tables.SCHEMA_CF, STEP_TIME_COL);
            return v == null ? -1 : Bytes.toLong(v);
        }
    }

    private static void recordStep(Connection connection, SchemaStep step) throws IOException {
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            t.put(new Put(stepRow(step.version()))
                    .addColumn(Tables.SCHEMA_CF, STEP_NAME_COL, Bytes.toBytes(step.name()))
                    .addColumn(Tables.SCHEMA_CF, STEP_TIME_COL, Bytes.toBytes(System.currentTimeMillis())));
            // only ever move the version forward, even with two servers racing
            byte[] newV = Bytes.toBytes(step.version());
            for (int attempt = 0; attempt < 10; attempt++) {
                Result r = t.get(new Get(VERSION_ROW).addColumn(Tables.SCHEMA_CF, VERSION_COL));
                byte[] cur = r.getValue(Tables.SCHEMA_CF, VERSION_COL);
                if (cur != null && Bytes.toInt(cur) >= step.version()) {
                    return;
                }
                var cam = org.apache.hadoop.hbase.client.CheckAndMutate.newBuilder(VERSION_ROW);
                var check = cur == null ? cam.ifNotExists(Tables.SCHEMA_CF, VERSION_COL)
                        : cam.ifEquals(Tables.SCHEMA_CF, VERSION_COL, cur);
                if (t.checkAndMutate(check.build(new Put(VERSION_ROW).addColumn(Tables.SCHEMA_CF, VERSION_COL, newV)))
                        .isSuccess()) {
                    return;
                }
            }
            throw new IOException("could not record schema version " + step.version());
        }
    }

    private static byte[] stepRow(int version) {
        return Bytes.toBytes(String.format("step:%05d", version));
    }

    /** Whether every table of the schema exists (used by readiness checks). */
    public static boolean tablesExist(Connection connection) throws IOException {
        try (Admin admin = connection.getAdmin()) {
            for (TableDescriptor t : Tables.all(1)) {
                TableName n = t.getTableName();
                if (!admin.tableExists(n)) {
                    return false;
                }
            }
        }
        return true;
    }
}
