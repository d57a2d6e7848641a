package io.sightline.agent.plugins.apachehttpclient5;

import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.HttpRequest;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * The async client's executeImmediate(request, entityProducer, scope, [chain,] callback): the
 * exchange starts on the caller's thread, its request already has scheme and authority. One
 * event per exchange (redirects and retries run inside it); the trace headers go on the request
 * that is sent and on the original one (redirects start again from it). The event is bound to
 * the exchange's callback (the last argument), whose handleResponse gets the final response head
 * and ends it ({@link ResponseAdvice}), or its failure ({@link ExecFailedAdvice}), and to the exchange's future (scope.cancellableDependency),
 * which ends it on failure or cancellation ({@link FutureFailedAdvice}, {@link FutureCancelAdvice})
 * or, failing all else, on completion; the future is captured too so that the application's callback, which the
 * future calls on an IO reactor thread, runs in the caller's transaction. Retries the client
 * schedules run on its scheduler thread, outside any transaction, and record nothing more.
 */
final class ExecuteImmediateAdvice {
    private ExecuteImmediateAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) HttpRequest request, @Advice.Argument(2) AsyncExecChain.Scope scope,
                        @Advice.AllArguments Object[] args) {
        Object future = scope.cancellableDependency;
        // before the call starts: what the library queues during the call is its own
        Bridge.contextCapture(future);
        String url;
        try {
            url = String.valueOf(request.getUri());
        } catch (Exception badUri) {
            url = request.getRequestUri();
        }
        Object call = Bridge.httpClientEnter(new Object(), "ApacheHttpClient5", request.getMethod(), url, false);
        String[] headers = Bridge.outgoingHeaders(call);
        if (headers != null) {
            HttpRequest original = scope.originalRequest;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.setHeader(headers[i], headers[i + 1]);
                if (original != null && original != request) {
                    original.setHeader(headers[i], headers[i + 1]);
                }
            }
        }
        Bridge.httpClientBind(call, future);
        Bridge.httpClientBind(call, args[args.length - 1]);
        return call;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object call, @Advice.Thrown Throwable thrown) {
        // the exchange goes on in the IO reactor; a failure to start it ends it now
        Bridge.httpClientExit(call, -1, thrown, thrown != null);
    }
}
