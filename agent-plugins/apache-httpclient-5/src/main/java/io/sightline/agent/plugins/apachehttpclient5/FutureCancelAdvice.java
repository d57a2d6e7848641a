package io.sightline.agent.plugins.apachehttpclient5;

import java.util.concurrent.CancellationException;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** BasicFuture.cancel(mayInterrupt): an async exchange's event ends as cancelled (see {@link FutureCompletedAdvice}). */
final class FutureCancelAdvice {
    private FutureCancelAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object future) {
        if (future instanceof java.util.concurrent.Future && !((java.util.concurrent.Future<?>) future).isDone()) {
            Bridge.httpClientEnd(future, 0, new CancellationException("cancelled"));
        }
        return Bridge.contextAttach(future);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Bridge.contextClose(token);
    }
}
