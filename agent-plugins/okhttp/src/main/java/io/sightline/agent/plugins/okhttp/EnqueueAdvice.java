package io.sightline.agent.plugins.okhttp;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;

/** Call.enqueue(callback): the event ends when OkHttp reports to the callback, before the application's code runs. */
final class EnqueueAdvice {
    private EnqueueAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Call call, @Advice.Argument(value = 0, readOnly = false) Callback callback) {
        Request request = call.request();
        Object scope = Bridge.httpClientEnter(request, "OkHttp", request.method(), String.valueOf(request.url()), true);
        callback = (Callback) Bridge.httpClientCallback(scope, callback, Callback.class);
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, -1, thrown, thrown != null);
    }
}
