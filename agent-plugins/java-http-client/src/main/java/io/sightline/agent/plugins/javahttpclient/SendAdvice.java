package io.sightline.agent.plugins.javahttpclient;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** send(request, handler): one event; the request goes out as a copy carrying the trace headers. */
final class SendAdvice {
    private SendAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
        // a request may be sent many times: each send is its own call
        Object scope = Bridge.httpClientEnter(new Object(), "JdkHttpClient", request.method(),
                String.valueOf(request.uri()), false);
        String[] headers = Bridge.outgoingHeaders(scope);
        if (headers != null) {
            try {
                HttpRequest.Builder copy = HttpRequest.newBuilder(request.uri())
                        .method(request.method(), request.bodyPublisher().isPresent()
                                ? request.bodyPublisher().get() : HttpRequest.BodyPublishers.noBody())
                        .expectContinue(request.expectContinue());
                for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
                    for (String v : h.getValue()) {
                        copy.header(h.getKey(), v);
                    }
                }
                if (request.timeout().isPresent()) {
                    copy.timeout(request.timeout().get());
                }
                if (request.version().isPresent()) {
                    copy.version(request.version().get());
                }
                for (int i = 0; i + 1 < headers.length; i += 2) {
                    copy.setHeader(headers[i], headers[i + 1]);
                }
                request = copy.build();
            } catch (RuntimeException notCopyable) {
                // sent as the application built it, without trace headers
            }
        }
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Return HttpResponse<?> response,
                     @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, response == null ? -1 : response.statusCode(), thrown, true);
    }
}
