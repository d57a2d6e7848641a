package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** PreparedStatement.clearParameters(). */
final class ClearParametersAdvice {
    private ClearParametersAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object statement) {
        Bridge.jdbcClearParameters(statement);
    }
}
