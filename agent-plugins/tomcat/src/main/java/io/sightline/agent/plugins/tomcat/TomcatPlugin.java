package io.sightline.agent.plugins.tomcat;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
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
        return Arrays.<TypeInstrumentation>asList(new HostValveInstrumentation(), new AsyncContextInstrumentation(),
                new RequestThreadInstrumentation());
    }

    /** Ends the span of an async request when its async context completes. */
    static final class AsyncContextInstrumentation implements TypeInstrumentation {
        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("org.apache.catalina.core.AsyncContextImpl")
                    .and(ElementMatchers.<TypeDescription>declaresField(named("request").and(ElementMatchers.fieldType(named(REQUEST)))))
                    .and(ElementMatchers.<TypeDescription>declaresMethod(named("fireOnComplete").and(takesArguments(0))));
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return REQUIREMENTS;
        }

        @Override
        public void transform(AdviceTarget target) {
            target.advice(named("fireOnComplete").and(takesArguments(0)), "io.sightline.agent.plugins.tomcat.AsyncCompleteAdvice");
        }
    }

    /**
     * Tomcat's request threads get the agent's slot, no advice: the tracer keeps its per-thread
     * state there instead of in a thread local (a field read instead of a probe of the thread's
     * crowded thread-local map, several times per request).
     */
    static final class RequestThreadInstrumentation implements TypeInstrumentation {
        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("org.apache.tomcat.util.threads.TaskThread");
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return null;
        }

        @Override
        public void transform(AdviceTarget target) {
            target.slot();
        }
    }

    /** Members of Tomcat's request and response the advice uses (all present in Tomcat 9, 10.1 and 11). */
    static final Requirements REQUIREMENTS = Requirements.create()
            .type(REQUEST)
            .method("getCoyoteRequest")
            .method("getNote", "java.lang.String")
            .method("setNote", "java.lang.String", "java.lang.Object")
            .method("getMethod")
            .method("getRequestURI")
            .method("getScheme")
            .method("getRemoteAddr")
            .method("getHeader", "java.lang.String")
            .method("getAttribute", "java.lang.String")
            .method("isAsync")
            .method("removeNote", "java.lang.String")
            .method("getResponse")
            .type(RESPONSE)
            .method("getStatus")
            // the raw bytes of the URI and Host header
            .type("org.apache.coyote.Request")
            .method("requestURI")
            .method("getMimeHeaders")
            .type("org.apache.tomcat.util.http.MimeHeaders")
            .method("getValue", "java.lang.String")
            .type("org.apache.tomcat.util.buf.MessageBytes")
            .method("getType")
            .method("getByteChunk")
            .type("org.apache.tomcat.util.buf.ByteChunk")
            .method("getBuffer")
            .method("getStart")
            .method("getEnd")
            .method("getCharset");

    static final class HostValveInstrumentation implements TypeInstrumentation {

        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("org.apache.catalina.core.StandardHostValve")
                    .and(ElementMatchers.<TypeDescription>declaresMethod(invoke()));
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return REQUIREMENTS;
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
