package io.sightline.agent.plugins.apachehttpclient5;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** BasicFuture.failed(exception): an async exchange's event ends as an error with it (see {@link FutureCompletedAdvice}). */
final class FutureFailedAdvice {
    private FutureFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object future, @Advice.Argument(0) Exception failure) {
        Bridge.httpClientEnd(future, 0, failure);
        return Bridge.contextAttach(future);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Bridge.contextClose(token);
    }
}
