package io.sightline.agent.plugins.apachehttpasyncclient4;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * The exchange handler's failed(cause) (connection refused or timed out, read timeout, closed
 * connection, a failure to start): its event ends as an error, before the future fails and the
 * application hears of it. Handlers of other clients, and exchanges already answered, find nothing.
 */
final class ExchangeFailedAdvice {
    private ExchangeFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object handler, @Advice.Argument(0) Exception cause) {
        Bridge.httpClientEnd(handler, 0, cause);
    }
}
