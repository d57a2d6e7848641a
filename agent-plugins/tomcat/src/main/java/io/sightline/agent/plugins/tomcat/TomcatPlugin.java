package io.sightline.agent.plugins.tomcat;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Collections;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.Requirements;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * One transaction per request, taken at {@code StandardHostValve.invoke}: it runs once per
 * request and around the error page handling, and forwards and includes happen inside it. An
 * async dispatch of the same request passes through it again and is recognised by the note the
 * first pass leaves on the request.
 */
public final class TomcatPlugin implements InstrumentationPlugin {
    static final String REQUEST = "org.apache.catalina.connector.Request";
    static final String RESPONSE = "org.apache.catalina.connector.Response";

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new HostValveInstrumentation());
    }

    static final class HostValveInstrumentation implements TypeInstrumentation {
        private final Requirements requirements = Requirements.create()
                .type(REQUEST)
                .method("getNote", "java.lang.String")
                .method("setNote", "java.lang.String", "java.lang.Object")
                .method("getMethod")
                .method("getRequestURI")
                .method("getScheme")
                .method("getRemoteAddr")
                .method("getHeader", "java.lang.String")
                .method("getAttribute", "java.lang.String")
                .method("isAsync")
                .type(RESPONSE)
                .method("getStatus");

        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("org.apache.catalina.core.StandardHostValve")
                    .and(ElementMatchers.<TypeDescription>declaresMethod(invoke()));
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return requirements;
        }

        @Override
        public void transform(AdviceTarget target) {
            target.advice(invoke(), "io.sightline.agent.plugins.tomcat.HostValveAdvice");
        }

        private static ElementMatcher.Junction<MethodDescription> invoke() {
            return named("invoke").and(isPublic()).and(takesArguments(2))
                    .and(takesArgument(0, named(REQUEST))).and(takesArgument(1, named(RESPONSE)));
        }
    }
}
