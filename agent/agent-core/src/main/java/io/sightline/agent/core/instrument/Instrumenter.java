package io.sightline.agent.core.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Finds the plugins (ServiceLoader over the agent's class loader) and installs their advice
 * with ByteBuddy.
 *
 * <p>Advice is inlined: each advice method is a few lines that read the library's own objects,
 * call one {@code Bridge} method with JDK types and write back what it returns. The bridge is on
 * the bootstrap class path, so inlined code resolves it from any class loader, and advice
 * classes are read from the agent jar as class files, never loaded.
 */
public final class Instrumenter {
    private Instrumenter() {
    }

    /** The plugins in the agent jar, in a stable order. */
    public static List<InstrumentationPlugin> findPlugins(ClassLoader agentLoader) {
        List<InstrumentationPlugin> out = new ArrayList<InstrumentationPlugin>();
        Iterator<InstrumentationPlugin> it = ServiceLoader.load(InstrumentationPlugin.class, agentLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError e) {
                AgentLog.warn("a plugin could not be loaded", e);
            }
        }
        java.util.Collections.sort(out, new java.util.Comparator<InstrumentationPlugin>() {
            @Override
            public int compare(InstrumentationPlugin a, InstrumentationPlugin b) {
                return a.name().compareTo(b.name());
            }
        });
        return out;
    }

    /** Installs the enabled plugins; returns the names of those installed. */
    private static final LogListener LISTENER = new LogListener();

    /** Nanoseconds spent transforming types so far (retransformation at start included). */
    public static long transformNanos() {
        return LISTENER.nanos.get();
    }

    /** Types transformed so far. */
    public static int transformedTypes() {
        return LISTENER.types.get();
    }

    public static List<String> install(Instrumentation inst, ClassLoader agentLoader, AgentConfig config,
                                       List<InstrumentationPlugin> plugins) {
        // advice only rewrites the bodies of methods the type declares: ByteBuddy need not analyse
        // the type's whole hierarchy (every superclass and interface read and parsed) to build a
        // method graph, nor validate the members of a type whose shape it does not change
        ByteBuddy byteBuddy = new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
        AgentBuilder builder = new AgentBuilder.Default(byteBuddy)
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(LISTENER)
                // advice inlined in JDK classes (java.base) calls the bridge, which lives in the
                // bootstrap loader's unnamed module: give those modules a read edge to it
                .assureReadEdgeTo(inst, io.sightline.agent.bridge.Bridge.class)
                // the default ignores every JDK class; we instrument a few (HttpURLConnection), so
                // state what to leave alone ourselves. Names only: this runs for every class the
                // application loads, and a name is known without parsing the class file (a
                // modifier check such as isSynthetic() made ByteBuddy parse each one). Every
                // plugin's type matcher starts with exact names, so nothing else gets parsed either.
                .ignore(nameStartsWith("io.sightline.agent.")
                        .or(nameStartsWith("net.bytebuddy."))
                        .or(nameStartsWith("jdk.internal.reflect."))
                        .or(nameStartsWith("sun.reflect."))
                        .or(nameStartsWith("java.lang.invoke.")), any())
                .or(any(), is(agentLoader));
        AdviceSources sources = new AdviceSources(agentLoader);
        List<String> installed = new ArrayList<String>();
        for (InstrumentationPlugin plugin : plugins) {
            if (!config.pluginEnabled(plugin.name())) {
                AgentLog.info("plugin " + plugin.name() + " switched off by configuration");
                continue;
            }
            try {
                for (TypeInstrumentation ti : plugin.typeInstrumentations()) {
                    builder = add(builder, ti, sources, plugin.name());
                }
                installed.add(plugin.name());
            } catch (RuntimeException e) {
                AgentLog.warn("plugin " + plugin.name() + " is broken and was skipped", e);
            }
        }
        builder.installOn(inst);
        return installed;
    }

    private static AgentBuilder add(AgentBuilder builder, TypeInstrumentation ti, AdviceSources sources, String plugin) {
        final AgentBuilder.Transformer.ForAdvice transformer = new AgentBuilder.Transformer.ForAdvice(Advice.withCustomMapping())
                .include(sources.agentClassFiles)
                .with(sources.pools)
                .with(AgentBuilder.LocationStrategy.ForClassLoader.WEAK)
                .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
        final List<AgentBuilder.Transformer.ForAdvice> holder = new ArrayList<AgentBuilder.Transformer.ForAdvice>();
        holder.add(transformer);
        ti.transform(new AdviceTarget() {
            @Override
            public AdviceTarget advice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
                holder.set(0, holder.get(0).advice(methods, adviceClassName));
                return this;
            }
        });
        ElementMatcher<ClassLoader> loaders = ti.classLoaderMatcher();
        return builder.type(ti.typeMatcher(), loaders == null ? any() : loaders).transform(holder.get(0));
    }

    /**
     * What every transformation shares, so that ByteBuddy does not read and parse the advice
     * classes again for each instrumented type: their class files, read once from the agent jar,
     * and one type pool cache per class loader (held weakly; the pools reach their loader only
     * through a weak reference, see {@code LocationStrategy.ForClassLoader.WEAK}).
     */
    static final class AdviceSources {
        final ClassFileLocator agentClassFiles;
        final AgentBuilder.PoolStrategy pools = new PoolPerLoader();

        AdviceSources(ClassLoader agentLoader) {
            this.agentClassFiles = new RememberingLocator(ClassFileLocator.ForClassLoader.of(agentLoader));
        }
    }

    /**
     * Answers from the agent jar, remembering every answer (found or not): the jar does not change,
     * and what is asked is bounded (advice classes and the names they mention).
     */
    static final class RememberingLocator implements ClassFileLocator {
        private static final int MAX_NAMES = 4096;
        private final ClassFileLocator jar;
        private final ConcurrentHashMap<String, Resolution> answers = new ConcurrentHashMap<String, Resolution>();

        RememberingLocator(ClassFileLocator jar) {
            this.jar = jar;
        }

        @Override
        public Resolution locate(String name) throws IOException {
            Resolution r = answers.get(name);
            if (r == null) {
                r = jar.locate(name);
                if (r.isResolved()) {
                    r = new Resolution.Explicit(r.resolve());
                }
                if (answers.size() < MAX_NAMES) {
                    answers.put(name, r);
                }
            }
            return r;
        }

        @Override
        public void close() {
            // the agent jar stays open for the life of the JVM
        }
    }

    /**
     * One type pool cache per class loader, dropped with the loader. Only advice resolution uses
     * it (the advice classes and the library types their parameters name), so each cache stays
     * small.
     */
    static final class PoolPerLoader extends AgentBuilder.PoolStrategy.WithTypePoolCache {
        private final TypePool.CacheProvider boot = new TypePool.CacheProvider.Simple();
        private final Map<ClassLoader, TypePool.CacheProvider> byLoader =
                new WeakHashMap<ClassLoader, TypePool.CacheProvider>();

        PoolPerLoader() {
            super(TypePool.Default.ReaderMode.FAST);
        }

        @Override
        protected TypePool.CacheProvider locate(ClassLoader loader) {
            if (loader == null) {
                return boot;
            }
            synchronized (byLoader) {
                TypePool.CacheProvider c = byLoader.get(loader);
                if (c == null) {
                    c = new TypePool.CacheProvider.Simple();
                    byLoader.put(loader, c);
                }
                return c;
            }
        }
    }

    /** Logs what was changed (debug) and what failed (warn), and times each transformation. */
    static final class LogListener extends AgentBuilder.Listener.Adapter {
        final AtomicLong nanos = new AtomicLong();
        final AtomicInteger types = new AtomicInteger();
        private final ThreadLocal<long[]> started = new ThreadLocal<long[]>() {
            @Override
            protected long[] initialValue() {
                return new long[1];
            }
        };

        @Override
        public void onDiscovery(String typeName, ClassLoader loader, JavaModule module, boolean loaded) {
            started.get()[0] = System.nanoTime();
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            long took = System.nanoTime() - started.get()[0];
            nanos.addAndGet(took);
            types.incrementAndGet();
            if (AgentLog.isDebug()) {
                AgentLog.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : "") + " in "
                        + took / 1000 + " us");
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            AgentLog.warn("could not instrument " + typeName + ": " + t);
        }
    }
}
