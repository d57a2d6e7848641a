package io.sightline.agent.plugins.apachehttpasyncclient4;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
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

/**
 * Apache HttpAsyncClient 4.1: every {@code CloseableHttpAsyncClient.execute} overload of the
 * clients of {@code HttpAsyncClients.custom()/createDefault()/createSystem()} builds one exchange
 * handler ({@code DefaultClientExchangeHandlerImpl}) and starts it on the caller's thread, where
 * {@code MainClientExec.prepare} gets the request before it is wrapped and sent: one event there,
 * the trace headers set on that request (its wrapper and the requests of redirects copy them).
 * The event is bound to the exchange's {@code InternalState}, whose {@code setFinalResponse}
 * (after redirects and authentication, before the response consumer sees it) ends it with the
 * status, and to the handler, whose {@code failed} (refused, timed out, closed) or {@code cancel}
 * (the application cancelled the future) ends it as an error. The exchange's result future
 * ({@code BasicFuture}) captures the caller's context when the handler is built, so the
 * application's {@code FutureCallback}, which that future calls on an I/O dispatcher thread, runs
 * in the caller's transaction; the thread has nothing attached afterwards. The minimal client
 * ({@code HttpAsyncClients.createMinimal()}, no exec chain) and pipelining are not traced.
 */
public final class ApacheHttpAsyncClient4Plugin implements InstrumentationPlugin {
    static final String PACKAGE = "org.apache.http.impl.nio.client.";
    static final String EXEC = PACKAGE + "MainClientExec";
    static final String STATE = PACKAGE + "InternalState";
    static final String HANDLER = PACKAGE + "AbstractClientExchangeHandler";
    static final String EXCHANGE = PACKAGE + "DefaultClientExchangeHandlerImpl";
    static final String FUTURE = "org.apache.http.concurrent.BasicFuture";

    /** What the exchange's advice calls and the members it is applied to. */
    static final Requirements REQUIREMENTS = Requirements.create()
            .type(EXEC).method("prepare", "org.apache.http.HttpHost", "org.apache.http.HttpRequest", STATE, HANDLER)
            .type(STATE).method("setFinalResponse", "org.apache.http.HttpResponse")
            .type(HANDLER).method("failed", "java.lang.Exception").method("cancel").method("isDone")
            .type(EXCHANGE)
            .type(FUTURE)
            .type("org.apache.http.HttpRequest").method("getRequestLine")
            .method("setHeader", "java.lang.String", "java.lang.String")
            .type("org.apache.http.RequestLine").method("getMethod").method("getUri")
            .type("org.apache.http.HttpHost").method("toURI")
            .type("org.apache.http.client.methods.HttpUriRequest").method("getURI")
            .type("org.apache.http.HttpResponse").method("getStatusLine")
            .type("org.apache.http.StatusLine").method("getStatusCode");

    /** What the future's advice is applied to; the async client must be there too. */
    static final Requirements FUTURE_REQUIREMENTS = Requirements.create()
            .type(FUTURE).method("completed", "java.lang.Object").method("failed", "java.lang.Exception")
            .method("cancel", "boolean")
            .type(EXCHANGE);

    private static final String ADVICE = "io.sightline.agent.plugins.apachehttpasyncclient4.";

    @Override
    public String name() {
        return "apache-httpasyncclient-4";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Arrays.asList(
                instrumentation(EXCHANGE, REQUIREMENTS, new Advices() {
                    @Override
                    public void transform(AdviceTarget target) {
                        // (log, requestProducer, responseConsumer, localContext, resultFuture, ...)
                        target.advice(isConstructor().and(takesArgument(4, named(FUTURE))), ADVICE + "ExchangeCreatedAdvice");
                    }
                }),
                instrumentation(EXEC, REQUIREMENTS, new Advices() {
                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("prepare").and(takesArguments(4))
                                        .and(takesArgument(0, named("org.apache.http.HttpHost")))
                                        .and(takesArgument(1, named("org.apache.http.HttpRequest")))
                                        .and(takesArgument(2, named(STATE))).and(takesArgument(3, named(HANDLER))),
                                ADVICE + "PrepareAdvice");
                    }
                }),
                instrumentation(STATE, REQUIREMENTS, new Advices() {
                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("setFinalResponse").and(takesArguments(1))
                                .and(takesArgument(0, named("org.apache.http.HttpResponse"))), ADVICE + "FinalResponseAdvice");
                    }
                }),
                instrumentation(HANDLER, REQUIREMENTS, new Advices() {
                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("failed").and(takesArguments(1))
                                .and(takesArgument(0, named("java.lang.Exception"))), ADVICE + "ExchangeFailedAdvice");
                        target.advice(named("cancel").and(takesArguments(0)), ADVICE + "ExchangeCancelledAdvice");
                    }
                }),
                instrumentation(FUTURE, FUTURE_REQUIREMENTS, new Advices() {
                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("completed").and(takesArguments(1))
                                        .or(named("failed").and(takesArguments(1)).and(takesArgument(0, named("java.lang.Exception"))))
                                        .or(named("cancel").and(takesArguments(1)).and(takesArgument(0, boolean.class))),
                                ADVICE + "FutureAdvice");
                    }
                }));
    }

    /** The advice of one type. */
    interface Advices {
        void transform(AdviceTarget target);
    }

    private static TypeInstrumentation instrumentation(final String type, final Requirements requirements,
                                                       final Advices advices) {
        return new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(type);
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return requirements;
            }

            @Override
            public void transform(AdviceTarget target) {
                advices.transform(target);
            }
        };
    }
}
