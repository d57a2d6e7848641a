package io.sightline.agent.plugins.apachehttpclient5;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Arrays;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.Requirements;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Apache HttpClient 5.x classic: every {@code CloseableHttpClient.execute} overload ends in the
 * implementation's {@code doExecute(HttpHost, ClassicHttpRequest, HttpContext)}, one event each
 * (redirects and retries included); the trace headers are set on the request.
 *
 * <p>The async client (CloseableHttpAsyncClient from HttpAsyncClients.custom/createDefault/
 * createHttp2Default: every {@code execute} overload, SimpleHttpRequest or any request producer)
 * starts each exchange in {@code InternalAbstractHttpAsyncClient.executeImmediate} on the
 * caller's thread: one event there. It ends with the final response's status when the head
 * reaches the chain's callback (handleResponse), or with the failure that callback gets
 * (failed), or else when the exchange's future fails, is cancelled or completes
 * ({@code BasicFuture}), before its waiters wake and before it calls the application's callback,
 * which runs in the caller's transaction. The minimal client (HttpAsyncClients.createMinimal) has
 * no exec chain and is not traced.
 */
public final class ApacheHttpClient5Plugin implements InstrumentationPlugin {
    static final String CLIENT = "org.apache.hc.client5.http.impl.classic.CloseableHttpClient";
    static final String REQUEST = "org.apache.hc.core5.http.ClassicHttpRequest";

    static final Requirements REQUIREMENTS = Requirements.create()
            .type(CLIENT).method("doExecute", "org.apache.hc.core5.http.HttpHost", REQUEST,
                    "org.apache.hc.core5.http.protocol.HttpContext")
            .type("org.apache.hc.core5.http.HttpRequest").method("getMethod").method("getUri").method("getRequestUri")
            .type("org.apache.hc.core5.http.HttpMessage").method("setHeader", "java.lang.String", "java.lang.Object")
            .type("org.apache.hc.core5.http.HttpHost").method("toURI")
            .type("org.apache.hc.client5.http.impl.classic.CloseableHttpResponse")
            .type("org.apache.hc.core5.http.HttpResponse").method("getCode");

    static final String ASYNC_CLIENT = "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient";
    static final String SCOPE = "org.apache.hc.client5.http.async.AsyncExecChain$Scope";
    static final String FUTURE = "org.apache.hc.core5.concurrent.BasicFuture";
    static final String EXEC_CALLBACK = "org.apache.hc.client5.http.async.AsyncExecCallback";

    /** What ExecuteImmediateAdvice uses (the Scope's public fields are there since 5.0). */
    static final Requirements ASYNC_REQUIREMENTS = Requirements.create()
            .type(ASYNC_CLIENT)
            .type(SCOPE)
            .type(EXEC_CALLBACK).method("handleResponse", "org.apache.hc.core5.http.HttpResponse",
                    "org.apache.hc.core5.http.EntityDetails").method("failed", "java.lang.Exception")
            .type("org.apache.hc.core5.http.HttpResponse").method("getCode")
            .type("org.apache.hc.core5.concurrent.CancellableDependency")
            .type("org.apache.hc.core5.http.HttpRequest").method("getMethod").method("getUri").method("getRequestUri")
            .type("org.apache.hc.core5.http.HttpMessage").method("setHeader", "java.lang.String", "java.lang.Object");

    /** What the future's advice uses. */
    static final Requirements FUTURE_REQUIREMENTS = Requirements.create()
            .type(FUTURE).method("completed", "java.lang.Object").method("failed", "java.lang.Exception")
            .method("cancel", "boolean").method("isDone")
            .type("org.apache.hc.core5.http.Message").method("getHead")
            .type("org.apache.hc.core5.http.HttpResponse").method("getCode");

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Arrays.<TypeInstrumentation>asList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return ElementMatchers.<TypeDescription>hasSuperType(named(CLIENT)).and(not(isAbstract()));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(named("doExecute").and(takesArguments(3))
                                .and(takesArgument(0, named("org.apache.hc.core5.http.HttpHost")))
                                .and(takesArgument(1, named(REQUEST))),
                        "io.sightline.agent.plugins.apachehttpclient5.DoExecuteAdvice");
            }
        }, new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(ASYNC_CLIENT);
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return ASYNC_REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                // (request, entityProducer, scope, callback) in 5.0-5.1, (request, entityProducer, scope, chain, callback) later
                target.advice(named("executeImmediate").and(takesArgument(0, named("org.apache.hc.core5.http.HttpRequest")))
                                .and(takesArgument(2, named(SCOPE))),
                        "io.sightline.agent.plugins.apachehttpclient5.ExecuteImmediateAdvice");
            }
        }, new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                // the anonymous exec callback of doExecute ($2 in 5.5, nested deeper in 5.1)
                return ElementMatchers.<TypeDescription>nameStartsWith(ASYNC_CLIENT + "$")
                        .and(ElementMatchers.<TypeDescription>hasSuperType(named(EXEC_CALLBACK))).and(not(isAbstract()));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return ASYNC_REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(named("handleResponse").and(takesArguments(2))
                                .and(takesArgument(0, named("org.apache.hc.core5.http.HttpResponse"))),
                        "io.sightline.agent.plugins.apachehttpclient5.ResponseAdvice");
                target.advice(named("failed").and(takesArguments(1)).and(takesArgument(0, named("java.lang.Exception"))),
                        "io.sightline.agent.plugins.apachehttpclient5.ExecFailedAdvice");
            }
        }, new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(FUTURE);
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return FUTURE_REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(named("completed").and(takesArguments(1)),
                        "io.sightline.agent.plugins.apachehttpclient5.FutureCompletedAdvice");
                target.advice(named("failed").and(takesArguments(1)).and(takesArgument(0, named("java.lang.Exception"))),
                        "io.sightline.agent.plugins.apachehttpclient5.FutureFailedAdvice");
                target.advice(named("cancel").and(takesArguments(1)).and(takesArgument(0, boolean.class)),
                        "io.sightline.agent.plugins.apachehttpclient5.FutureCancelAdvice");
            }
        });
    }
}
