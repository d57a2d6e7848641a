package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** ForkJoinPool.execute/submit/invoke(ForkJoinTask): the task carries the caller's transaction. */
final class PoolTaskAdvice {
    private PoolTaskAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object task) {
        Bridge.captureForkJoinTask(task);
    }
}
