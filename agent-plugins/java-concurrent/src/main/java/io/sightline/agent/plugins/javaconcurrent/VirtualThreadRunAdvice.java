package io.sightline.agent.plugins.javaconcurrent;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** VirtualThread.run(Runnable), on the virtual thread itself: its task runs in the transaction. */
final class VirtualThreadRunAdvice {
    private VirtualThreadRunAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object thread) {
        return Bridge.contextAttach(thread);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Bridge.contextClose(token);
    }
}
