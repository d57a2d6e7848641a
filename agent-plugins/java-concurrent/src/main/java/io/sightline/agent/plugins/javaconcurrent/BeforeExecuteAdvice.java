package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** ThreadPoolExecutor.beforeExecute: the worker takes on the transaction of the task it runs. */
final class BeforeExecuteAdvice {
    private BeforeExecuteAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(1) Runnable task) {
        Bridge.taskBegin(task);
    }
}
