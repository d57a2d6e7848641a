package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Connection.prepareStatement/prepareCall: remembers the statement's SQL. Queries the driver
 * runs while preparing (Connector/J reads a procedure's parameters for prepareCall) are its own
 * business, not calls of the application: they are not recorded.
 */
final class PrepareAdvice {
    private PrepareAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter() {
        return Bridge.jdbcPrepareEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Argument(0) String sql, @Advice.Return Object statement) {
        Bridge.jdbcExit(scope, null);
        if (statement != null) {
            Bridge.jdbcPrepared(statement, sql);
        }
    }
}
