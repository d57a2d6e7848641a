package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * ThreadPoolExecutor.execute(Runnable): the transaction is kept beside the application's task,
 * which is queued unchanged (getQueue, remove and shutdownNow show the application its own).
 */
final class QueueAdvice {
    private QueueAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Runnable task) {
        Bridge.captureTask(task);
    }
}
