package io.sightline.agent.core;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Defines the bridge classes in the bootstrap class loader without putting the agent jar on the
 * bootstrap search path. Appending to that path makes HotSpot print "Sharing is only supported
 * for boot loader classes because bootstrap classpath has been appended" on every start (CDS is
 * on by default), and the agent must stay silent.
 *
 * <p>On Java 9+ it exports {@code java.base/jdk.internal.misc} to the agent class loader's
 * module only (never to the application) and defines the classes with the JDK's internal
 * {@code Unsafe.defineClass}. The caller falls back to appending the jar when this returns false
 * (Java 8, or a JVM without that method). This class must not refer to the bridge.
 */
public final class BridgeInjector {
    private BridgeInjector() {
    }

    /** Defines {@code classes} (binary name -> class file) in the bootstrap loader; false when not possible. */
    public static boolean inject(Instrumentation inst, Map<String, byte[]> classes) {
        try {
            Class<?> moduleClass = Class.forName("java.lang.Module");
            Method getModule = Class.class.getMethod("getModule");
            Object javaBase = getModule.invoke(Object.class);
            Object mine = getModule.invoke(BridgeInjector.class);
            Method redefineModule = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class,
                    Map.class, Map.class, Set.class, Map.class);
            Map<String, Set<Object>> exports = Collections.singletonMap("jdk.internal.misc", Collections.singleton(mine));
            redefineModule.invoke(inst, javaBase, Collections.emptySet(), exports, Collections.emptyMap(),
                    Collections.emptySet(), Collections.emptyMap());
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
            Map<String, byte[]> left = new LinkedHashMap<String, byte[]>(classes);
            // a class's superclass must be defined first; retry until nothing moves
            boolean progress = true;
            while (!left.isEmpty() && progress) {
                progress = false;
                for (String name : new java.util.ArrayList<String>(left.keySet())) {
                    byte[] bytes = left.get(name);
                    try {
                        define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
                        left.remove(name);
                        progress = true;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        if (!(e.getCause() instanceof NoClassDefFoundError)) {
                            throw e;
                        }
                    }
                }
            }
            return left.isEmpty();
        } catch (Throwable notPossible) {
            return false;
        }
    }
}
