package io.sightline.agent.plugins.apachehttpclient5;

import org.apache.hc.core5.http.HttpResponse;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * handleResponse(response, entityDetails) of the callback the async client gives its exec chain
 * (redirects and retries are handled inside the chain, so this is the final response): the
 * exchange's event ends with its status as the head arrives, before the response consumer, the
 * future and the application's callback see it; whatever consumer the application (or a
 * framework such as Spring's reactive connector) uses and whenever it completes the future.
 */
final class ResponseAdvice {
    private ResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object callback, @Advice.Argument(0) HttpResponse response) {
        Bridge.httpClientEnd(callback, response == null ? 0 : response.getCode(), null);
    }
}
