package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * ThreadPoolExecutor's Worker unlocks itself after every task, whatever afterExecute does (a
 * subclass need not call super): the worker thread drops the task's transaction there. Other
 * threads unlock a worker too (interrupting idle ones); they are left alone.
 */
final class WorkerUnlockAdvice {
    private WorkerUnlockAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.FieldValue("thread") Thread worker) {
        if (worker == Thread.currentThread()) {
            Bridge.taskEnd();
        }
    }
}
