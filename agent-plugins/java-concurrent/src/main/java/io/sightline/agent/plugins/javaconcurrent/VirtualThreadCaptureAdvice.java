package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** A virtual thread was created (Java 21+): it carries the creating thread's transaction. */
final class VirtualThreadCaptureAdvice {
    private VirtualThreadCaptureAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object thread, @Advice.Argument(3) Runnable task) {
        Bridge.captureAdapted(thread, task);
    }
}
