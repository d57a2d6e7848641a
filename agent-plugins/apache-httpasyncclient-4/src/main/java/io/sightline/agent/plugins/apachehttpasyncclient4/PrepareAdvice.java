package io.sightline.agent.plugins.apachehttpasyncclient4;

import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpUriRequest;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * MainClientExec.prepare(target, original, state, handler), on the caller's thread as the
 * exchange starts: one event; the trace headers are set on the original request before the
 * client wraps it (redirects copy them from it). The event is bound to the exchange's state and
 * handler, which end it ({@link FinalResponseAdvice}, {@link ExchangeFailedAdvice},
 * {@link ExchangeCancelledAdvice}); a failure to prepare ends it now.
 */
final class PrepareAdvice {
    private PrepareAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) HttpHost target, @Advice.Argument(1) HttpRequest request,
                        @Advice.Argument(2) Object state, @Advice.Argument(3) Object handler) {
        String url = request instanceof HttpUriRequest && ((HttpUriRequest) request).getURI() != null
                && ((HttpUriRequest) request).getURI().isAbsolute()
                ? String.valueOf(((HttpUriRequest) request).getURI())
                : (target == null ? "" : target.toURI()) + request.getRequestLine().getUri();
        // a request object may be executed again: each exchange is its own call
        Object call = Bridge.httpClientEnter(new Object(), "ApacheHttpAsyncClient4", request.getRequestLine().getMethod(),
                url, false);
        String[] headers = Bridge.outgoingHeaders(call);
        if (headers != null) {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.setHeader(headers[i], headers[i + 1]);
            }
        }
        Bridge.httpClientBind(call, state);
        Bridge.httpClientBind(call, handler);
        return call;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object call, @Advice.Thrown Throwable thrown) {
        // the exchange goes on in the I/O reactor
        Bridge.httpClientExit(call, -1, thrown, thrown != null);
    }
}
