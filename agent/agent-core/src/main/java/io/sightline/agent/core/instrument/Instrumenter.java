package io.sightline.agent.core.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
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
    public static List<String> install(Instrumentation inst, ClassLoader agentLoader, AgentConfig config,
                                       List<InstrumentationPlugin> plugins) {
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new LogListener())
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
        List<String> installed = new ArrayList<String>();
        for (InstrumentationPlugin plugin : plugins) {
            if (!config.pluginEnabled(plugin.name())) {
                AgentLog.info("plugin " + plugin.name() + " switched off by configuration");
                continue;
            }
            try {
                for (TypeInstrumentation ti : plugin.typeInstrumentations()) {
                    builder = add(builder, ti, agentLoader, plugin.name());
                }
                installed.add(plugin.name());
            } catch (RuntimeException e) {
                AgentLog.warn("plugin " + plugin.name() + " is broken and was skipped", e);
            }
        }
        builder.installOn(inst);
        return installed;
    }

    private static AgentBuilder add(AgentBuilder builder, TypeInstrumentation ti, ClassLoader agentLoader, String plugin) {
        final AgentBuilder.Transformer.ForAdvice transformer = new AgentBuilder.Transformer.ForAdvice(Advice.withCustomMapping())
                .include(agentLoader)
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

    /** Logs what was changed (debug) and what failed (warn). */
    static final class LogListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            AgentLog.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : ""));
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            AgentLog.warn("could not instrument " + typeName + ": " + t);
        }
    }
}
