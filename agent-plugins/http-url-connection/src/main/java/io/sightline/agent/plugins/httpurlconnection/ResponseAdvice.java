package io.sightline.agent.plugins.httpurlconnection;

import java.io.InputStream;
import java.net.HttpURLConnection;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * getInputStream(): the response is there (or the call failed); the event ends. Once the
 * connection holds its outcome (the response's stream, or the exception it throws again to every
 * later caller), the connection itself says its call is over: the call leaves the tracer's weak
 * map, and later getInputStream, getResponseCode or header calls on it skip the tracer. Kept in
 * the map until the connection died, every call made since the last collection stayed there
 * (thousands at a few thousand calls a second), making each put a cache miss.
 */
final class ResponseAdvice {
    private ResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This HttpURLConnection connection, @Advice.FieldValue("connected") boolean connected,
                        @Advice.FieldValue("inputStream") InputStream response,
                        @Advice.FieldValue("rememberedException") Exception failure) {
        if (response != null || failure != null) {
            return null; // the connection has its outcome: its call is over
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
    static void exit(@Advice.Enter Object scope, @Advice.This HttpURLConnection connection,
                     @Advice.FieldValue("responseCode") int status, @Advice.Thrown Throwable thrown,
                     @Advice.FieldValue("inputStream") InputStream response,
                     @Advice.FieldValue("rememberedException") Exception failure) {
        if (scope == null) {
            return;
        }
        Bridge.httpClientExit(scope, status, thrown, true);
        if (response != null || failure != null) {
            Bridge.httpClientEnd(connection, status, thrown); // out of the map: the connection knows
        }
    }
}
