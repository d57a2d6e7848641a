package io.sightline.agent.plugins.apachehttpclient5;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * failed(cause) of the callback the async client gives its exec chain (see {@link ResponseAdvice}):
 * the exchange's event ends as an error here, before the response consumer hears of it; a
 * consumer may wake the application itself (Spring's reactive connector does) before the
 * exchange's future fails.
 */
final class ExecFailedAdvice {
    private ExecFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object callback, @Advice.Argument(0) Exception cause) {
        Bridge.httpClientEnd(callback, 0, cause);
    }
}
