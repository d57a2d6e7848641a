package io.sightline.agent.plugins.javaconcurrent;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
 * Context propagation into work handed to other threads: FutureTask (submit, schedule),
 * CompletableFuture async stages, and plain Runnables queued on JDK executors (JDK classes):
 * ThreadPoolExecutor queues the application's own Runnable, unwrapped, its transaction kept beside it.
 */
public final class JavaConcurrentPlugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "java-concurrent";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Arrays.asList(
                // tasks that carry the transaction of the thread that created them
                tasks(namedOneOf("java.util.concurrent.FutureTask",
                        "java.util.concurrent.CompletableFuture$AsyncSupply",
                        "java.util.concurrent.CompletableFuture$AsyncRun",
                        // JDK 21+: execute(Runnable) on a thread-per-task executor (virtual threads)
                        "java.util.concurrent.ThreadPerTaskExecutor$TaskRunner"), named("run").and(takesArguments(0))),
                // thenApplyAsync & co: the stage is created where the pipeline is set up and runs
                // through run() (an executor) or exec() (a ForkJoinPool)
                tasks(named("java.util.concurrent.CompletableFuture$Completion"),
                        namedOneOf("run", "exec").and(takesArguments(0))),
                // ThreadPoolExecutor.execute(Runnable): the transaction kept beside the task, which
                // is queued unchanged; taken on in beforeExecute, dropped when the worker unlocks
                new TypeInstrumentation() {
                    @Override
                    public ElementMatcher<TypeDescription> typeMatcher() {
                        return named("java.util.concurrent.ThreadPoolExecutor");
                    }

                    @Override
                    public ElementMatcher<ClassLoader> classLoaderMatcher() {
                        return null;
                    }

                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("execute").and(takesArguments(Runnable.class)),
                                "io.sightline.agent.plugins.javaconcurrent.QueueAdvice");
                        target.advice(named("beforeExecute").and(takesArguments(Thread.class, Runnable.class)),
                                "io.sightline.agent.plugins.javaconcurrent.BeforeExecuteAdvice");
                    }
                },
                new TypeInstrumentation() {
                    @Override
                    public ElementMatcher<TypeDescription> typeMatcher() {
                        return named("java.util.concurrent.ThreadPoolExecutor$Worker");
                    }

                    @Override
                    public ElementMatcher<ClassLoader> classLoaderMatcher() {
                        return null;
                    }

                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("unlock").and(takesArguments(0)),
                                "io.sightline.agent.plugins.javaconcurrent.WorkerUnlockAdvice");
                    }
                },
                // ForkJoinPool: the pool's own task around a Runnable or Callable carries the
                // transaction from its creation (execute, submit, invoke, adapt)...
                new TypeInstrumentation() {
                    @Override
                    public ElementMatcher<TypeDescription> typeMatcher() {
                        return namedOneOf("java.util.concurrent.ForkJoinTask$RunnableExecuteAction",
                                "java.util.concurrent.ForkJoinTask$AdaptedRunnable",
                                "java.util.concurrent.ForkJoinTask$AdaptedRunnableAction",
                                "java.util.concurrent.ForkJoinTask$AdaptedCallable",
                                "java.util.concurrent.ForkJoinTask$AdaptedInterruptibleCallable",
                                "java.util.concurrent.ForkJoinTask$AdaptedInterruptibleRunnable");
                    }

                    @Override
                    public ElementMatcher<ClassLoader> classLoaderMatcher() {
                        return null;
                    }

                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(isConstructor(),
                                "io.sightline.agent.plugins.javaconcurrent.AdaptedCaptureAdvice");
                    }
                },
                // ...the application's own ForkJoinTasks from fork() or from the pool's methods...
                new TypeInstrumentation() {
                    @Override
                    public ElementMatcher<TypeDescription> typeMatcher() {
                        return named("java.util.concurrent.ForkJoinPool");
                    }

                    @Override
                    public ElementMatcher<ClassLoader> classLoaderMatcher() {
                        return null;
                    }

                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(namedOneOf("execute", "submit", "invoke").and(takesArguments(1))
                                        .and(takesArgument(0, named("java.util.concurrent.ForkJoinTask"))),
                                "io.sightline.agent.plugins.javaconcurrent.PoolTaskAdvice");
                    }
                },
                // ...and any of them runs in it wherever it is executed (doExec: workers, join, help)
                new TypeInstrumentation() {
                    @Override
                    public ElementMatcher<TypeDescription> typeMatcher() {
                        return named("java.util.concurrent.ForkJoinTask");
                    }

                    @Override
                    public ElementMatcher<ClassLoader> classLoaderMatcher() {
                        return null;
                    }

                    @Override
                    public void transform(AdviceTarget target) {
                        target.advice(named("fork").and(takesArguments(0)),
                                "io.sightline.agent.plugins.javaconcurrent.ForkAdvice");
                        target.advice(named("doExec").and(takesArguments(0)),
                                "io.sightline.agent.plugins.javaconcurrent.RunAdvice");
                    }
                });
    }

    private static TypeInstrumentation tasks(final ElementMatcher.Junction<TypeDescription> types,
                                             final ElementMatcher.Junction<MethodDescription> run) {
        return new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return types.and(ElementMatchers.<TypeDescription>declaresMethod(run));
            }

            @Override
            public ElementMatcher<ClassLoader> classLoaderMatcher() {
                return null;
            }

            @Override
            public void transform(AdviceTarget target) {
                target.advice(isConstructor(), "io.sightline.agent.plugins.javaconcurrent.CaptureAdvice");
                target.advice(run, "io.sightline.agent.plugins.javaconcurrent.RunAdvice");
                target.slot(); // the tracer keeps what the task carries there, from creation to run

            }
        };
    }
}
