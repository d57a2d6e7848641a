package io.sightline.agent.plugins.apachehttpclient5;

import java.net.URI;

import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** doExecute(target, request, context): one event; the trace headers are set on the request. */
final class DoExecuteAdvice {
    private DoExecuteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) HttpHost target, @Advice.Argument(1) ClassicHttpRequest request) {
        String url;
        try {
            URI uri = request.getUri();
            url = uri.isAbsolute() || target == null ? String.valueOf(uri) : target.toURI() + uri;
        } catch (Exception badUri) {
            url = (target == null ? "" : target.toURI()) + request.getRequestUri();
        }
        // a request object may be executed again: each execution is its own call
        Object scope = Bridge.httpClientEnter(new Object(), "ApacheHttpClient5", request.getMethod(), url, false);
        String[] headers = Bridge.outgoingHeaders(scope);
        if (headers != null) {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.setHeader(headers[i], headers[i + 1]);
            }
        }
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Return CloseableHttpResponse response,
                     @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, response == null ? -1 : response.getCode(), thrown, true);
    }
}
