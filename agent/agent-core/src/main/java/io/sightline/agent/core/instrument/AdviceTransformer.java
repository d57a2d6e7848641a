package io.sightline.agent.core.instrument;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.core.util.DaemonThreads;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * The agent's one class file transformer: for each class a loader defines, the cheapest checks
 * first (an ignored name prefix, then each rule's class-loader matcher, whose answer is kept per
 * loader), the class file parsed only when a rule's loader matches, and ByteBuddy's advice woven
 * only into the types a rule matches.
 *
 * <p>Why not ByteBuddy's {@code AgentBuilder}: on Java 9+ its transformer class generates and
 * loads a subclass of itself at first use (to receive the {@code Module} argument), which cost
 * premain about 400 classes and a quarter of a second of CPU; the advice itself is ByteBuddy's as
 * before. Types in named modules get a read edge to the bridge (the bootstrap loader's unnamed
 * module) before their advice can run.
 */
final class AdviceTransformer implements ClassFileTransformer {
    /** Internal-name prefixes never transformed: ours (and what we shade), and JDK machinery. */
    private static final String[] IGNORED = {
        "io/sightline/agent/", "net/bytebuddy/", "jdk/internal/reflect/", "sun/reflect/", "java/lang/invoke/"
    };

    /** One type instrumentation: which loaders, which types, which advice on which methods. */
    static final class Rule {
        final String plugin;
        final ElementMatcher<? super TypeDescription> types;
        final ElementMatcher<? super ClassLoader> loaders; // null: any
        final List<ElementMatcher<? super MethodDescription>> methods = new ArrayList<ElementMatcher<? super MethodDescription>>();
        final List<String> advice = new ArrayList<String>();
        /** The matched classes get the agent's slot ({@link SlotWriter}) where they can. */
        boolean slot;

        Rule(String plugin, ElementMatcher<? super TypeDescription> types, ElementMatcher<? super ClassLoader> loaders) {
            this.plugin = plugin;
            this.types = types;
            this.loaders = loaders;
        }
    }

    final AtomicLong nanos = new AtomicLong();
    final AtomicInteger types = new AtomicInteger();
    private final Instrumentation inst;
    private final ClassLoader agentLoader;
    private final List<Rule> rules;
    private final Instrumenter.AdviceSources sources;
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            // advice rewrites the bodies of declared methods: no hierarchy to analyse
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);
    /**
     * Set while this thread transforms: classes ByteBuddy loads meanwhile pass untouched. Removed
     * when the outermost transform ends, so the agent leaves no entry in the thread-local maps of
     * the application's threads (a request thread loads classes on its first requests, and every
     * thread local the application reads probes that map).
     */
    final ThreadLocal<boolean[]> busy = new ThreadLocal<boolean[]>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };
    private final Modules modules;
    /**
     * Names of the classes a slot rule matched that were loaded before this transformer was
     * installed: they have no slot, so a class extending one defined later gets its own.
     */
    final Set<String> loadedWithoutSlot = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    /**
     * How long a thread about to weave waits for the retransformation at install to finish (it
     * loads and initialises ByteBuddy's {@code Advice} and ASM, some 700 classes). Past it the
     * thread weaves anyway, as it would have without the wait.
     */
    static final long RETRANSFORM_WAIT_MILLIS = 3000;
    /** Open while install's retransformation runs on {@link #retransformer}; null once done. */
    volatile CountDownLatch retransforming;
    volatile Thread retransformer;

    AdviceTransformer(Instrumentation inst, ClassLoader agentLoader, List<Rule> rules, Instrumenter.AdviceSources sources) {
        this.inst = inst;
        this.agentLoader = agentLoader;
        this.rules = rules;
        this.sources = sources;
        this.modules = Modules.create(inst);
    }

    static boolean ignored(String internalName) {
        for (String prefix : IGNORED) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (internalName == null || bytes == null || (loader != null && loader == agentLoader) || ignored(internalName)) {
            return null;
        }
        boolean[] mine = busy.get();
        if (mine[0]) {
            return null;
        }
        mine[0] = true;
        String name = internalName.replace('/', '.');
        try {
            return weave(loader, name, redefined, bytes);
        } catch (Throwable t) {
            AgentLog.warn("could not instrument " + name + ": " + t);
            return null;
        } finally {
            busy.remove(); // only the outermost call gets here
        }
    }

    private byte[] weave(ClassLoader loader, String name, Class<?> redefined, byte[] bytes) {
        long t0 = System.nanoTime();
        ClassFileLocator locator = null;
        TypePool pool = null;
        TypeDescription type = null;
        List<Rule> hits = null;
        for (Rule rule : rules) {
            if (rule.loaders != null && !rule.loaders.matches(loader)) {
                continue;
            }
            if (type == null) {
                locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes), loaderFiles(loader));
                pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                        TypePool.Default.ReaderMode.FAST);
                type = pool.describe(name).resolve();
            }
            if (rule.types.matches(type)) {
                if (hits == null) {
                    hits = new ArrayList<Rule>(2);
                }
                hits.add(rule);
            }
        }
        if (hits == null) {
            return null;
        }
        awaitRetransformation();
        // advice classes come from the agent jar; the library types they name from the target's loader
        ClassFileLocator adviceFiles = new ClassFileLocator.Compound(sources.agentClassFiles, loaderFiles(loader));
        TypePool advicePool = sources.pools.typePool(adviceFiles, loader);
        AsmVisitorWrapper.ForDeclaredMethods wrapper = new AsmVisitorWrapper.ForDeclaredMethods();
        for (Rule rule : hits) {
            for (int i = 0; i < rule.advice.size(); i++) {
                Advice advice = Advice.withCustomMapping()
                        .to(advicePool.describe(rule.advice.get(i)).resolve(), adviceFiles)
                        .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
                wrapper = wrapper.invokable(ElementMatchers.<MethodDescription>isMethod().or(ElementMatchers.<MethodDescription>isConstructor())
                        .and(rule.methods.get(i)), advice);
            }
        }
        DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator).visit(wrapper);
        boolean slot = false;
        for (Rule rule : hits) {
            slot |= rule.slot;
        }
        slot = slot && getsSlot(type, loader, name, redefined);
        if (slot) {
            builder = builder.visit(SlotWriter.INSTANCE);
        }
        byte[] woven = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
        modules.letRead(name, loader, redefined);
        long took = System.nanoTime() - t0;
        nanos.addAndGet(took);
        types.incrementAndGet();
        if (AgentLog.isDebug()) {
            AgentLog.debug("instrumented " + name + (redefined != null ? " (retransformed)" : "") + (slot ? " with a slot" : "")
                    + " in " + took / 1000 + " us");
        }
        return woven;
    }

    /**
     * Whether a class a slot rule matched gets the slot. A redefinition or retransformation must
     * leave fields and interfaces as they are: the class keeps the slot it got when it was defined
     * (the JVM hands us its original bytes, without it) and never gets one later. A class being
     * defined gets it unless an ancestor has it or will have it, it is serializable without a
     * serialVersionUID of its own (the new interface and methods would change the computed one),
     * or its module can't be made to read the bridge.
     *
     * <p>Guessing wrong costs little: a second slot in a subclass is a few unused bytes per object
     * (the interface's methods then use the subclass's field, consistently), and a missing one
     * only sends the tracer to its weak map. Any failure here means no slot, never no advice.
     */
    private boolean getsSlot(TypeDescription type, ClassLoader loader, String name, Class<?> redefined) {
        try {
            if (redefined != null) {
                return SlotWriter.declaredBy(redefined);
            }
            if (type.isInterface() || type.isAnnotation() || type.isEnum()) {
                return false;
            }
            if (type.isAssignableTo(java.io.Serializable.class)
                    && type.getDeclaredFields().filter(ElementMatchers.named("serialVersionUID")).isEmpty()) {
                return false;
            }
            return !inheritsSlot(type, loader) && modules.mayImplementBridgeTypes(name, loader);
        } catch (Throwable t) {
            AgentLog.debug("no slot for " + name + ": " + t);
            return false;
        }
    }

    /**
     * Whether an ancestor of {@code type} has the slot or will get it. The transformation of a
     * class comes before its superclass is loaded, so this is decided from the rules: an ancestor
     * a slot rule matches has the slot (or one of its own ancestors has), unless it was loaded
     * before the agent, and then none of its ancestors has one either.
     */
    private boolean inheritsSlot(TypeDescription type, ClassLoader loader) {
        for (TypeDescription.Generic s = type.getSuperClass(); s != null; s = s.asErasure().getSuperClass()) {
            TypeDescription ancestor = s.asErasure();
            if (ancestor.represents(Object.class) || loadedWithoutSlot.contains(ancestor.getName())) {
                return false;
            }
            for (Rule rule : rules) {
                if (rule.slot && (rule.loaders == null || rule.loaders.matches(loader)) && rule.types.matches(ancestor)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Runs the path of a class that no rule wants once, for the bootstrap loader, before any class
     * load comes through here: the classes that path needs (ByteBuddy's, and the JDK's that they
     * use) are loaded and initialised now. A JDK class loaded for the first time by its own
     * transformation would fail with ClassCircularityError.
     */
    private void warmUp() {
        try {
            InputStream in = ClassLoader.getSystemResourceAsStream("java/lang/Object.class");
            byte[] object = in == null ? null : readAll(in);
            if (object != null && weave(null, "java.lang.Object", null, object) != null) {
                AgentLog.warn("a rule matches java.lang.Object");
            }
            // and the parsing of a class file, which type matchers beyond names need
            TypePool.Default.WithLazyResolution.of(loaderFiles(null)).describe("java.lang.Thread").resolve()
                    .getDeclaredMethods().filter(ElementMatchers.named("run")).size();
        } catch (Throwable t) {
            AgentLog.warn("instrumentation warm-up failed: " + t);
        }
    }

    private static byte[] readAll(InputStream in) throws java.io.IOException {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    private static ClassFileLocator loaderFiles(ClassLoader loader) {
        return loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader);
    }

    /**
     * Waits (bounded) for install's retransformation, unless this thread is the one running it:
     * the first weave loads ByteBuddy's advice machinery, and it is cheaper (and free of class
     * initialisation races inside ByteBuddy) to let that one thread finish than to do it twice
     * side by side. The retransforming thread only loads classes of the agent's loader and the
     * JDK's and reads class files; it never loads through an application's loader, so the
     * application thread waiting here (holding its loader's lock for the class being defined)
     * cannot be what it waits for. An unforeseen cycle costs at most the bounded wait.
     */
    void awaitRetransformation() {
        CountDownLatch latch = retransforming;
        if (latch == null || Thread.currentThread() == retransformer) {
            return;
        }
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRANSFORM_WAIT_MILLIS);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    if (latch.await(left, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the application's interrupt: kept for it, and go on waiting
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether install's retransformation is over (it ran on another thread). */
    boolean awaitRetransformation(long millis) throws InterruptedException {
        CountDownLatch latch = retransforming;
        return latch == null || latch.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers this transformer and retransforms, on a daemon thread, the classes loaded before
     * it that a rule matches; premain returns meanwhile and the application's main starts on one
     * core while that thread weaves on the other. Which classes those are, and which of them have
     * no slot, is decided here first.
     */
    void install() {
        warmUp();
        inst.addTransformer(this, true);
        if (!inst.isRetransformClassesSupported()) {
            return;
        }
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            try {
                if (c.isArray() || c.isPrimitive() || !inst.isModifiableClass(c)) {
                    continue;
                }
                ClassLoader loader = c.getClassLoader();
                if ((loader != null && loader == agentLoader) || ignored(c.getName().replace('.', '/'))) {
                    continue;
                }
                TypeDescription type = null;
                boolean matched = false;
                for (Rule rule : rules) {
                    if (rule.loaders != null && !rule.loaders.matches(loader)) {
                        continue;
                    }
                    if (type == null) {
                        type = TypeDescription.ForLoadedType.of(c);
                    }
                    if (rule.types.matches(type)) {
                        matched = true;
                        if (rule.slot) {
                            loadedWithoutSlot.add(c.getName());
                        }
                    }
                }
                if (matched) {
                    loaded.add(c);
                }
            } catch (Throwable t) {
                // a class whose description fails to resolve is left alone
            }
        }
        if (loaded.isEmpty()) {
            return;
        }
        final List<Class<?>> toRetransform = loaded;
        final CountDownLatch latch = new CountDownLatch(1);
        Thread t = DaemonThreads.newThread("sightline-retransform", new Runnable() {
            @Override
            public void run() {
                try {
                    retransform(toRetransform);
                } finally {
                    retransforming = null;
                    latch.countDown();
                }
            }
        });
        retransformer = t;
        retransforming = latch;
        try {
            t.start();
        } catch (Throwable noThread) {
            retransforming = null;
            latch.countDown();
            retransform(toRetransform);
        }
    }

    private void retransform(List<Class<?>> loaded) {
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                AgentLog.warn("could not instrument " + c.getName() + " (retransformation): " + t);
            }
        }
    }

    /**
     * Read edges from named modules to the bridge's (the bootstrap loader's unnamed module), added
     * through {@code Instrumentation.redefineModule} by reflection (the agent compiles for Java 8).
     */
    static final class Modules {
        private final Instrumentation inst;
        private final Object bridge;
        private final Method getModule;
        private final Method isNamed;
        private final Method canRead;
        private final Method redefineModule;
        private final Method getClassLoader;
        private Map<String, Object> bootPackages; // package -> module of the boot layer, built at first need

        private Modules(Instrumentation inst, Object bridge, Method getModule, Method isNamed, Method canRead, Method redefineModule,
                        Method getClassLoader) {
            this.inst = inst;
            this.bridge = bridge;
            this.getModule = getModule;
            this.isNamed = isNamed;
            this.canRead = canRead;
            this.redefineModule = redefineModule;
            this.getClassLoader = getClassLoader;
        }

        static Modules create(Instrumentation inst) {
            try {
                Class<?> module = Class.forName("java.lang.Module");
                Method getModule = Class.class.getMethod("getModule");
                Object bridge = getModule.invoke(io.sightline.agent.bridge.Bridge.class);
                return new Modules(inst, bridge, getModule, module.getMethod("isNamed"), module.getMethod("canRead", module),
                        Instrumentation.class.getMethod("redefineModule", module, Set.class, Map.class, Map.class, Set.class, Map.class),
                        module.getMethod("getClassLoader"));
            } catch (Exception java8) {
                return new Modules(inst, null, null, null, null, null, null);
            }
        }

        /** Lets the module of the class being transformed read the bridge. */
        synchronized void letRead(String className, ClassLoader loader, Class<?> redefined) {
            if (bridge == null) {
                return;
            }
            try {
                Object module = redefined != null ? getModule.invoke(redefined) : bootLayerModule(className, loader);
                if (module == null || !(Boolean) isNamed.invoke(module) || (Boolean) canRead.invoke(module, bridge)) {
                    return;
                }
                redefineModule.invoke(inst, module, Collections.singleton(bridge), Collections.emptyMap(),
                        Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
            } catch (Exception e) {
                AgentLog.warn("could not let the module of " + className + " read the agent's bridge: " + e);
            }
        }

        /**
         * Whether a class {@code loader} is defining may implement an interface of the bridge: it
         * will be in an unnamed module (which reads the bridge's), or in a named module of the boot
         * layer, given a read edge here if it has none (else the JVM would refuse to define it).
         * A module layer's own loader may put it in a named module we can't find: no.
         */
        synchronized boolean mayImplementBridgeTypes(String className, ClassLoader loader) {
            if (bridge == null) {
                return true;
            }
            try {
                if (loader != null && "jdk.internal.loader.Loader".equals(loader.getClass().getName())) {
                    return false;
                }
                Object module = packageModule(className);
                if (module == null || getClassLoader.invoke(module) != loader) {
                    return true; // not in the boot layer: the loader's unnamed module
                }
                if (!(Boolean) isNamed.invoke(module) || (Boolean) canRead.invoke(module, bridge)) {
                    return true;
                }
                redefineModule.invoke(inst, module, Collections.singleton(bridge), Collections.emptyMap(),
                        Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
                return (Boolean) canRead.invoke(module, bridge);
            } catch (Exception e) {
                return false;
            }
        }

        /**
         * The boot layer's module holding the class's package, for the JDK's own loaders (the
         * classes we instrument in named modules are the JDK's); null for other loaders.
         */
        private Object bootLayerModule(String className, ClassLoader loader) throws Exception {
            if (loader != null && loader != ClassLoader.getSystemClassLoader().getParent()) {
                return null;
            }
            return packageModule(className);
        }

        /** The module of the boot layer holding the class's package, or null. */
        private Object packageModule(String className) throws Exception {
            if (bootPackages == null) {
                Map<String, Object> map = new HashMap<String, Object>();
                Class<?> layerClass = Class.forName("java.lang.ModuleLayer");
                Object boot = layerClass.getMethod("boot").invoke(null);
                Set<?> all = (Set<?>) layerClass.getMethod("modules").invoke(boot);
                for (Object m : all) {
                    for (Object pkg : (Set<?>) m.getClass().getMethod("getPackages").invoke(m)) {
                        map.put((String) pkg, m);
                    }
                }
                bootPackages = map;
            }
            int dot = className.lastIndexOf('.');
            return dot < 0 ? null : bootPackages.get(className.substring(0, dot));
        }
    }
}
