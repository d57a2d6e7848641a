package io.sightline.agent.plugins.apachehttpasyncclient4;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * The exchange handler is built on the caller's thread, before anything starts: its result
 * future keeps the caller's context for the application's callback (see {@link FutureAdvice}).
 */
final class ExchangeCreatedAdvice {
    private ExchangeCreatedAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(4) Object resultFuture) {
        Bridge.contextCapture(resultFuture);
    }
}
