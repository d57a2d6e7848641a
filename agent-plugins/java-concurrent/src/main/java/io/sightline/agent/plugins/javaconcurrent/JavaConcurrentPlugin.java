package io.sightline.agent.plugins.javaconcurrent;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Collections;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/** Context propagation into FutureTask and CompletableFuture's async tasks (JDK classes). */
public final class JavaConcurrentPlugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "java-concurrent";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return namedOneOf("java.util.concurrent.FutureTask",
                        "java.util.concurrent.CompletableFuture$AsyncSupply",
                        "java.util.concurrent.CompletableFuture$AsyncRun")
                        .and(ElementMatchers.<TypeDescription>declaresMethod(named("run").and(takesArguments(0))));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return null;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(isConstructor(), "io.sightline.agent.plugins.javaconcurrent.CaptureAdvice");
                target.advice(named("run").and(takesArguments(0)), "io.sightline.agent.plugins.javaconcurrent.RunAdvice");
            }
        });
    }
}
