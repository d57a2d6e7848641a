package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** A plain Runnable queued on a JDK executor inside a transaction is wrapped to carry it. */
final class ExecuteAdvice {
    private ExecuteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
        task = Bridge.wrapTask(task);
    }
}
