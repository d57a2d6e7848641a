package io.sightline.agent.plugins.apachehttpasyncclient4;

import java.util.concurrent.CancellationException;

import org.apache.http.nio.protocol.HttpAsyncClientExchangeHandler;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * The exchange handler's cancel() (the application cancelled the future it got, or the client
 * shuts down): an unfinished exchange's event ends as cancelled, before the future says so.
 */
final class ExchangeCancelledAdvice {
    private ExchangeCancelledAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object handler) {
        if (handler instanceof HttpAsyncClientExchangeHandler && !((HttpAsyncClientExchangeHandler) handler).isDone()) {
            Bridge.httpClientEnd(handler, 0, new CancellationException("cancelled"));
        }
    }
}
