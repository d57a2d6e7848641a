package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** PreparedStatement.setNull(index, type[, name]). */
final class BindNullAdvice {
    private BindNullAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Thrown Throwable thrown) {
        if (thrown == null) {
            Bridge.jdbcBind(statement, index, null);
        }
    }
}
