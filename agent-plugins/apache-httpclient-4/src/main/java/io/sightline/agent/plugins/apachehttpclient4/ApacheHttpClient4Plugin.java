package io.sightline.agent.plugins.apachehttpclient4;

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
 * Apache HttpClient 4.5 classic: every {@code CloseableHttpClient.execute} overload ends in the
 * implementation's {@code doExecute(HttpHost, HttpRequest, HttpContext)}, one event each; the
 * trace headers are set on the request. The requirements are exactly what the advice calls
 * (CloseableHttpClient and doExecute appeared in 4.3; 4.0-4.2 are never touched); tested on 4.5.
 */
public final class ApacheHttpClient4Plugin implements InstrumentationPlugin {
    static final String CLIENT = "org.apache.http.impl.client.CloseableHttpClient";

    static final Requirements REQUIREMENTS = Requirements.create()
            .type(CLIENT).method("doExecute", "org.apache.http.HttpHost", "org.apache.http.HttpRequest",
                    "org.apache.http.protocol.HttpContext")
            .type("org.apache.http.HttpRequest").method("getRequestLine").method("setHeader", "java.lang.String", "java.lang.String")
            .type("org.apache.http.HttpHost").method("toURI")
            .type("org.apache.http.client.methods.CloseableHttpResponse").method("getStatusLine")
            .type("org.apache.http.client.methods.HttpUriRequest").method("getURI");

    @Override
    public String name() {
        return "apache-httpclient-4";
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
                                .and(takesArgument(0, named("org.apache.http.HttpHost")))
                                .and(takesArgument(1, named("org.apache.http.HttpRequest"))),
                        "io.sightline.agent.plugins.apachehttpclient4.DoExecuteAdvice");
            }
        });
    }
}
