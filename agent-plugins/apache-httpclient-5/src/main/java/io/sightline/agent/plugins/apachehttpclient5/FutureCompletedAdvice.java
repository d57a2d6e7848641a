package io.sightline.agent.plugins.apachehttpclient5;

import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * BasicFuture.completed(result): if this future is an async exchange's, its event ends with the
 * response's status before anyone waiting on the future wakes up, and the application's callback
 * (called by this method) runs in the caller's transaction; the reactor thread forgets it after.
 * Every other future of the library finds nothing and is left alone.
 */
final class FutureCompletedAdvice {
    private FutureCompletedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object future, @Advice.Argument(0) Object result) {
        int status = 0;
        Object head = result instanceof Message ? ((Message<?, ?>) result).getHead() : result;
        if (head instanceof HttpResponse) {
            status = ((HttpResponse) head).getCode(); // SimpleHttpResponse, or the head of a Message
        }
        Bridge.httpClientEnd(future, status, null);
        return Bridge.contextAttach(future);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
        Bridge.contextClose(token);
    }
}
