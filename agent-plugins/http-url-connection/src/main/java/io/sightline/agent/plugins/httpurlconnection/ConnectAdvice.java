package io.sightline.agent.plugins.httpurlconnection;

import java.io.InputStream;
import java.net.HttpURLConnection;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** connect() and getOutputStream(): the call starts; the trace headers go out with it. */
final class ConnectAdvice {
    private ConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This HttpURLConnection connection, @Advice.FieldValue("connected") boolean connected,
                        @Advice.FieldValue("inputStream") InputStream response,
                        @Advice.FieldValue("rememberedException") Exception failure) {
        if (response != null || failure != null) {
            return null; // the connection has its outcome: its call is over (see ResponseAdvice)
        }
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
    static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        if (scope != null) {
            Bridge.httpClientExit(scope, -1, thrown, false);
        }
    }
}
