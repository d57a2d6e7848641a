package io.sightline.agent.plugins.javahttpclient;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * sendAsync(request, handler[, pushHandler]): the event ends when the response future completes;
 * the application gets a future that completes right after (cancelling it cancels the call).
 */
final class SendAsyncAdvice {
    private SendAsyncAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
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
    static void exit(@Advice.Enter Object scope,
                     @Advice.Return(readOnly = false) CompletableFuture<?> future,
                     @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, -1, thrown, thrown != null);
        if (thrown == null && future != null) {
            future = (CompletableFuture<?>) Bridge.httpClientFuture(scope, future);
        }
    }
}
