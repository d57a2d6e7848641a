package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Statement.close(): the tracer drops the statement's state. */
final class CloseAdvice {
    private CloseAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object statement) {
        Bridge.jdbcClosed(statement);
    }
}
