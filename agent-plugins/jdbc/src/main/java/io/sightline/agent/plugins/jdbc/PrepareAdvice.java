package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Connection.prepareStatement/prepareCall: remembers the statement's SQL. */
final class PrepareAdvice {
    private PrepareAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
        Bridge.jdbcPrepared(statement, sql);
    }
}
