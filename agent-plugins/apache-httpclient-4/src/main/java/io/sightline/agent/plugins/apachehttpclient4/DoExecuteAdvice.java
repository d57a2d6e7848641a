package io.sightline.agent.plugins.apachehttpclient4;

import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** doExecute(target, request, context): one event; the trace headers are set on the request. */
final class DoExecuteAdvice {
    private DoExecuteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) HttpHost target, @Advice.Argument(1) HttpRequest request) {
        String uri = request instanceof HttpUriRequest && ((HttpUriRequest) request).getURI().isAbsolute()
                ? String.valueOf(((HttpUriRequest) request).getURI())
                : (target == null ? "" : target.toURI()) + request.getRequestLine().getUri();
        // a request object may be executed again: each execution is its own call
        Object scope = Bridge.httpClientEnter(new Object(), "ApacheHttpClient4", request.getRequestLine().getMethod(),
                uri, false);
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
        Bridge.httpClientExit(scope, response == null || response.getStatusLine() == null ? -1
                : response.getStatusLine().getStatusCode(), thrown, true);
    }
}
