package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Statement.addBatch(String sql). */
final class AddBatchSqlAdvice {
    private AddBatchSqlAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object statement, @Advice.Argument(0) String sql) {
        Bridge.jdbcAddBatch(statement, sql);
    }
}
