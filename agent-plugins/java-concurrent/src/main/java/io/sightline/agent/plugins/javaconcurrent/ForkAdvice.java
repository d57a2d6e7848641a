package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** ForkJoinTask.fork(): the forked task carries the forking thread's transaction. */
final class ForkAdvice {
    private ForkAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object task) {
        Bridge.captureForkJoinTask(task);
    }
}
