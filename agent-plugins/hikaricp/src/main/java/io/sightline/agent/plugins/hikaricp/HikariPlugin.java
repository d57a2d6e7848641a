package io.sightline.agent.plugins.hikaricp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
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
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Registers every HikariCP pool when it is built ({@code HikariPool(HikariConfig)}) and forgets
 * it at {@code shutdown()}; the stats thread reads its gauges every stats interval.
 */
public final class HikariPlugin implements InstrumentationPlugin {
    static final String POOL = "com.zaxxer.hikari.pool.HikariPool";
    static final String CONFIG = "com.zaxxer.hikari.HikariConfig";

    /** What the core reads (present from HikariCP 3 to 6). */
    static final Requirements REQUIREMENTS = Requirements.create()
            .type(POOL)
            .method("getActiveConnections")
            .method("getIdleConnections")
            .method("getThreadsAwaitingConnection")
            .method("shutdown")
            .type(CONFIG)
            .method("getMaximumPoolSize")
            .method("getPoolName");

    @Override
    public String name() {
        return "hikaricp";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return named(POOL);
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return REQUIREMENTS;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(isConstructor().and(takesArguments(1)).and(takesArgument(0, named(CONFIG))),
                        "io.sightline.agent.plugins.hikaricp.PoolStartAdvice");
                target.advice(named("shutdown").and(isPublic()).and(takesArguments(0)),
                        "io.sightline.agent.plugins.hikaricp.PoolShutdownAdvice");
            }
        });
    }
}
