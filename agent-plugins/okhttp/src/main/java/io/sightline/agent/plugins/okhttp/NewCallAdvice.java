package io.sightline.agent.plugins.okhttp;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import okhttp3.Request;

/** newCall(request): the call begins; it carries a copy of the request with the trace headers. */
final class NewCallAdvice {
    private NewCallAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(value = 0, readOnly = false) Request request) {
        Object scope = Bridge.httpClientEnter(new Object(), "OkHttp", request.method(), String.valueOf(request.url()), false);
        String[] headers = Bridge.outgoingHeaders(scope);
        if (headers != null) {
            try {
                Request.Builder copy = request.newBuilder();
                for (int i = 0; i + 1 < headers.length; i += 2) {
                    copy.header(headers[i], headers[i + 1]);
                }
                request = copy.build();
            } catch (RuntimeException notCopyable) {
                // sent as the application built it
            }
            Bridge.httpClientBind(scope, request); // execute/enqueue find the call by its request
        }
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, -1, thrown, thrown != null);
    }
}
