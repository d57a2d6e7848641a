package io.sightline.agent.core.instrument;

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

import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Finds the plugins (ServiceLoader over the agent's class loader) and installs their advice
 * with ByteBuddy's {@code Advice}, through {@link AdviceTransformer}.
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

    private static volatile AdviceTransformer installed;

    /** Nanoseconds spent transforming types so far (retransformation at start included). */
    public static long transformNanos() {
        AdviceTransformer t = installed;
        return t == null ? 0 : t.nanos.get();
    }

    /** Types transformed so far. */
    public static int transformedTypes() {
        AdviceTransformer t = installed;
        return t == null ? 0 : t.types.get();
    }

    /** Installs the enabled plugins; returns the names of those installed. */
    public static List<String> install(Instrumentation inst, ClassLoader agentLoader, AgentConfig config,
                                       List<InstrumentationPlugin> plugins) {
        List<AdviceTransformer.Rule> rules = new ArrayList<AdviceTransformer.Rule>();
        List<String> names = new ArrayList<String>();
        for (InstrumentationPlugin plugin : plugins) {
            if (!config.pluginEnabled(plugin.name())) {
                AgentLog.info("plugin " + plugin.name() + " switched off by configuration");
                continue;
            }
            try {
                List<AdviceTransformer.Rule> mine = new ArrayList<AdviceTransformer.Rule>();
                for (TypeInstrumentation ti : plugin.typeInstrumentations()) {
                    mine.add(rule(ti, plugin.name()));
                }
                rules.addAll(mine);
                names.add(plugin.name());
            } catch (RuntimeException e) {
                AgentLog.warn("plugin " + plugin.name() + " is broken and was skipped", e);
            }
        }
        AdviceTransformer transformer = new AdviceTransformer(inst, agentLoader, rules, new AdviceSources(agentLoader));
        installed = transformer;
        transformer.install();
        return names;
    }

    private static AdviceTransformer.Rule rule(TypeInstrumentation ti, String plugin) {
        final AdviceTransformer.Rule rule = new AdviceTransformer.Rule(plugin, ti.typeMatcher(), ti.classLoaderMatcher());
        ti.transform(new AdviceTarget() {
            @Override
            public AdviceTarget advice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
                rule.methods.add(methods);
                rule.advice.add(adviceClassName);
                return this;
            }

            @Override
            public AdviceTarget slot() {
                rule.slot = true;
                return this;
            }
        });
        return rule;
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
}
