package io.sightline.agent.plugins.jdbc;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * PreparedStatement.setXxx(index, value[, ...]): records the value on exit, so that when a
 * setter delegates to another (setObject -> setInt) the application's own call has the last word.
 */
final class BindAdvice {
    private BindAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object statement, @Advice.Argument(0) int index,
                     @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object value,
                     @Advice.Thrown Throwable thrown) {
        if (thrown == null) {
            Bridge.jdbcBind(statement, index, value);
        }
    }
}
