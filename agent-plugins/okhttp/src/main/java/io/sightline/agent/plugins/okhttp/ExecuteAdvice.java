package io.sightline.agent.plugins.okhttp;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;

/** Call.execute(): the response (or the failure) ends the call's event. */
final class ExecuteAdvice {
    private ExecuteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Call call) {
        Request request = call.request();
        return Bridge.httpClientEnter(request, "OkHttp", request.method(), String.valueOf(request.url()), true);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Return Response response, @Advice.Thrown Throwable thrown) {
        Bridge.httpClientExit(scope, response == null ? -1 : response.code(), thrown, true);
    }
}
