package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Statement.execute*(String sql, ...). */
final class ExecuteSqlAdvice {
    private ExecuteSqlAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object statement, @Advice.Origin("#m") String method,
                        @Advice.Argument(0) String sql) {
        return Bridge.jdbcEnter(statement, method, sql);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        Bridge.jdbcExit(scope, thrown);
    }
}
