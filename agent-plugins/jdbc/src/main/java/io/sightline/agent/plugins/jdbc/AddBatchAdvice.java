package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** PreparedStatement.addBatch(). */
final class AddBatchAdvice {
    private AddBatchAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object statement) {
        Bridge.jdbcAddBatch(statement, null);
    }
}
