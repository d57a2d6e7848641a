package io.sightline.agent.plugins.apachehttpasyncclient4;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * BasicFuture.completed/failed/cancel: if this is an exchange's result future (it captured the
 * caller's context, {@link ExchangeCreatedAdvice}), the application's callback it calls runs in
 * the caller's transaction; the thread gets its own context back after. Every other future of the
 * library (connection leases...) finds nothing.
 */
final class FutureAdvice {
    private FutureAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object future) {
        return Bridge.contextAttach(future);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Bridge.contextClose(token);
    }
}
