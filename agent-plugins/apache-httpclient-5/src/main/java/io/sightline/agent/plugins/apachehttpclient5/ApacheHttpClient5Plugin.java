package io.sightline.agent.plugins.apachehttpclient5;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Collections;
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
 * (redirects and retries included); the trace headers are set on the request. The async client
 * (CloseableHttpAsyncClient) is not instrumented yet.
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

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new TypeInstrumentation() {
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
        });
    }
}
