package io.sightline.agent.plugins.httpurlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.fieldType;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The JDK's HttpURLConnection (http, and https through its delegate). One event per connection
 * object, from the first of connect/getOutputStream/getInputStream to the response (the end of
 * getInputStream, which getResponseCode and the header getters call too). The JDK class can't
 * get a field, so the tracer keeps per-connection state in a weak map while the call is in
 * progress; once it is over, the connection's own fields (its response stream, or the exception
 * it remembers) say so, and later calls on it skip the tracer.
 */
public final class HttpUrlConnectionPlugin implements InstrumentationPlugin {
    static final String TYPE = "sun.net.www.protocol.http.HttpURLConnection";
    /** The request head HttpURLConnection prints its headers from. */
    static final String HEADER_TYPE = "sun.net.www.MessageHeader";

    @Override
    public String name() {
        return "http-url-connection";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Arrays.<TypeInstrumentation>asList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(TYPE)
                        .and(ElementMatchers.<TypeDescription>declaresField(named("inputStream").and(fieldType(InputStream.class))))
                        .and(ElementMatchers.<TypeDescription>declaresField(named("rememberedException").and(fieldType(Exception.class))))
                        .and(ElementMatchers.<TypeDescription>declaresMethod(named("getInputStream").and(takesArguments(0))))
                        .and(ElementMatchers.<TypeDescription>declaresMethod(named("connect").and(takesArguments(0))));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return null;
            }

            @Override
            public void transform(AdviceTarget target) {
                ElementMatcher.Junction<MethodDescription> noArgs = isPublic().and(takesArguments(0));
                target.advice(namedOneOf("connect", "getOutputStream").and(noArgs),
                        "io.sightline.agent.plugins.httpurlconnection.ConnectAdvice");
                target.advice(named("getInputStream").and(noArgs),
                        "io.sightline.agent.plugins.httpurlconnection.ResponseAdvice");
                target.slot(); // the tracer keeps the connection's call there until it has its outcome
            }
        }, new TypeInstrumentation() {
            // the head's lines through the trace headers are written as bytes (see PrintHeadAdvice)
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(HEADER_TYPE)
                        .and(ElementMatchers.<TypeDescription>declaresField(named("keys").and(fieldType(String[].class))))
                        .and(ElementMatchers.<TypeDescription>declaresField(named("values").and(fieldType(String[].class))))
                        .and(ElementMatchers.<TypeDescription>declaresField(named("nkeys").and(fieldType(int.class))))
                        .and(ElementMatchers.<TypeDescription>declaresMethod(printMethod()));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return null;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(printMethod(), "io.sightline.agent.plugins.httpurlconnection.PrintHeadAdvice");
            }
        });
    }

    private static ElementMatcher.Junction<MethodDescription> printMethod() {
        return named("print").and(isPublic()).and(takesArguments(1)).and(takesArgument(0, PrintStream.class));
    }
}
