package io.sightline.hbase.schema;

import java.io.IOException;

/**
 * One named, idempotent change of the schema. Steps run in order, once each; the schema version
 * is the number of the last step applied. Never edit a released step: add a new one.
 */
public interface SchemaStep {

    /** 1, 2, 3... in the order steps run. */
    int version();

    /** Short name recorded with the version, e.g. "create-tables". */
    String name();

    /** Applies the step (or, when {@code ctx.dryRun()}, only reports what it would do). */
    void apply(SchemaContext ctx) throws IOException;
}
