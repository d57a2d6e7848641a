package io.sightline.agent.plugins.javahttpclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Collections;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * java.net.http.HttpClient (JDK 11+). Its only implementation is the JDK's
 * {@code jdk.internal.net.http.HttpClientFacade}; the advice uses only the public API
 * (HttpRequest, HttpResponse). send is one event; sendAsync's event ends when its future
 * completes. HttpRequest is immutable, so the trace headers go out on a copy of the request.
 */
public final class JavaHttpClientPlugin implements InstrumentationPlugin {
    static final String TYPE = "jdk.internal.net.http.HttpClientFacade";
    static final String REQUEST = "java.net.http.HttpRequest";
    static final String HANDLER = "java.net.http.HttpResponse$BodyHandler";

    @Override
    public String name() {
        return "java-http-client";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(TYPE)
                        .and(ElementMatchers.<TypeDescription>declaresMethod(send()))
                        .and(ElementMatchers.<TypeDescription>declaresMethod(sendAsync()));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return null; // a JDK class (platform loader)
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(send(), "io.sightline.agent.plugins.javahttpclient.SendAdvice");
                target.advice(sendAsync(), "io.sightline.agent.plugins.javahttpclient.SendAsyncAdvice");
            }
        });
    }

    static ElementMatcher.Junction<MethodDescription> send() {
        return named("send").and(takesArguments(2)).and(takesArgument(0, named(REQUEST)))
                .and(takesArgument(1, named(HANDLER)));
    }

    static ElementMatcher.Junction<MethodDescription> sendAsync() {
        return named("sendAsync").and(takesArgument(0, named(REQUEST))).and(takesArgument(1, named(HANDLER)))
                .and(ElementMatchers.<MethodDescription>returns(named("java.util.concurrent.CompletableFuture")));
    }
}
