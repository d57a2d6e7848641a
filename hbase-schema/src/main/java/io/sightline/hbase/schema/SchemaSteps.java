package io.sightline.hbase.schema;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.hbase.client.TableDescriptor;

/** The ordered list of schema steps. Add new steps at the end; never change a released one. */
public final class SchemaSteps {
    private SchemaSteps() {
    }

    public static List<SchemaStep> all() {
        return List.of(new CreateTables());
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
}
