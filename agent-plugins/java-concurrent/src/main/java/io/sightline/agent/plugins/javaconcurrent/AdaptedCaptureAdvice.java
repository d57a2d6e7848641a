package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** A ForkJoinPool's task around the application's Runnable or Callable was created. */
final class AdaptedCaptureAdvice {
    private AdaptedCaptureAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object task, @Advice.Argument(0) Object adaptee) {
        Bridge.captureAdapted(task, adaptee);
    }
}
