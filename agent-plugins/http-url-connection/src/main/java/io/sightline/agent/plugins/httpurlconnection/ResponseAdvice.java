package io.sightline.agent.plugins.httpurlconnection;

import java.net.HttpURLConnection;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** getInputStream(): the response is there (or the call failed); the event ends. */
final class ResponseAdvice {
    private ResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This HttpURLConnection connection, @Advice.FieldValue("connected") boolean connected) {
        Object scope = Bridge.httpClientEnter(connection, "HttpURLConnection", connection.getRequestMethod(),
                connection.getURL(), connected);
        String[] headers = Bridge.outgoingHeaders(scope);
        if (headers != null) {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                connection.setRequestProperty(headers[i], headers[i + 1]);
            }
        }
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.FieldValue("responseCode") int status,
                     @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, status, thrown, true);
    }
}
