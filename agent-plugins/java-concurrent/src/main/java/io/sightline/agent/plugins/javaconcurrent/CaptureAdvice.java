package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** A task was created: it belongs to the creating thread's transaction. */
final class CaptureAdvice {
    private CaptureAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object task) {
        Bridge.contextCapture(task);
    }
}
