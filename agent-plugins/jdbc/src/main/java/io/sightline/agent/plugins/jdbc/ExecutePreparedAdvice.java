package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** PreparedStatement.execute*() and Statement.executeBatch(): the SQL is the statement's own. */
final class ExecutePreparedAdvice {
    private ExecutePreparedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object statement, @Advice.Origin("#m") String method) {
        return Bridge.jdbcEnter(statement, method, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        Bridge.jdbcExit(scope, thrown);
    }
}
