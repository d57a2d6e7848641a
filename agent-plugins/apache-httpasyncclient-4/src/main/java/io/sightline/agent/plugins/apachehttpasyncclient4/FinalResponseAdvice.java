package io.sightline.agent.plugins.apachehttpasyncclient4;

import org.apache.http.HttpResponse;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * InternalState.setFinalResponse(response): the exec chain took this response as the exchange's
 * answer (no redirect or authentication round follows); its event ends with the status as the
 * head arrives, before the response consumer, the future and the application's callback see it.
 */
final class FinalResponseAdvice {
    private FinalResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object state, @Advice.Argument(0) HttpResponse response) {
        Bridge.httpClientEnd(state, response == null || response.getStatusLine() == null ? 0
                : response.getStatusLine().getStatusCode(), null);
    }
}
