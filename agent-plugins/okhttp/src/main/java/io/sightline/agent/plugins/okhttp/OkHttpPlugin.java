package io.sightline.agent.plugins.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
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
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * OkHttp 3.x and 4.x. {@code OkHttpClient.newCall(request)} starts the event and swaps the
 * request for a copy with the trace headers (Request is immutable); {@code Call.execute()} ends
 * it with the response, {@code Call.enqueue(callback)} puts a callback in front of the
 * application's that ends it. OkHttp 2 (package com.squareup.okhttp) is another library and
 * is left alone. OkHttp 5 keeps these names and may be traced too, but is not tested.
 */
public final class OkHttpPlugin implements InstrumentationPlugin {
    /** What the advice calls, checked in the application's class loader before anything changes. */
    static final Requirements REQUIREMENTS = Requirements.create()
            .type("okhttp3.OkHttpClient").method("newCall", "okhttp3.Request")
            .type("okhttp3.Call").method("execute").method("enqueue", "okhttp3.Callback").method("request")
            .type("okhttp3.Request").method("newBuilder").method("method").method("url")
            .type("okhttp3.Request$Builder").method("header", "java.lang.String", "java.lang.String")
            .type("okhttp3.Response").method("code")
            .type("okhttp3.Callback");

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Arrays.<TypeInstrumentation>asList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named("okhttp3.OkHttpClient");
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(named("newCall").and(takesArguments(1)).and(takesArgument(0, named("okhttp3.Request"))),
                        "io.sightline.agent.plugins.okhttp.NewCallAdvice");
            }
        }, new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                // okhttp3.RealCall (3.x), okhttp3.internal.connection.RealCall (4.x)
                return named("okhttp3.RealCall").or(named("okhttp3.internal.connection.RealCall"))
                        .and(not(isInterface())).and(hasSuperType(named("okhttp3.Call")));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                ElementMatcher.Junction<MethodDescription> execute = named("execute").and(takesArguments(0)).and(isPublic());
                ElementMatcher.Junction<MethodDescription> enqueue = named("enqueue").and(takesArguments(1))
                        .and(takesArgument(0, named("okhttp3.Callback")));
                target.advice(execute, "io.sightline.agent.plugins.okhttp.ExecuteAdvice");
                target.advice(enqueue, "io.sightline.agent.plugins.okhttp.EnqueueAdvice");
            }
        });
    }
}
