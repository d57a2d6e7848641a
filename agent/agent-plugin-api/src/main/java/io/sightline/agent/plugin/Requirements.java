package io.sightline.agent.plugin;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * A class-loader matcher requiring that classes and methods exist, read from class files without
 * loading anything. The answer is remembered per class loader.
 *
 * <pre>
 * Requirements.create()
 *     .type("org.apache.catalina.connector.Request")
 *         .method("getNote", "java.lang.String")
 *         .method("getRequestURI")
 * </pre>
 */
public final class Requirements implements ElementMatcher<ClassLoader> {
    private static final Object BOOT = new Object();

    private final List<String> types = new ArrayList<String>();
    private final List<String[]> methods = new ArrayList<String[]>(); // {type, name, params...}
    private final Map<Object, Boolean> answers = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());
    private volatile Last last;

    private Requirements() {
    }

    public static Requirements create() {
        return new Requirements();
    }

    /** Requires the class {@code name}; following {@link #method} calls refer to it. */
    public Requirements type(String name) {
        types.add(name);
        return this;
    }

    /** Requires a method (declared or inherited) of the last named type, with these parameter type names. */
    public Requirements method(String name, String... parameterTypes) {
        if (types.isEmpty()) {
            throw new IllegalStateException("name a type first");
        }
        String[] entry = new String[parameterTypes.length + 2];
        entry[0] = types.get(types.size() - 1);
        entry[1] = name;
        System.arraycopy(parameterTypes, 0, entry, 2, parameterTypes.length);
        methods.add(entry);
        return this;
    }

    /**
     * ByteBuddy asks every type instrumentation's class-loader matcher before its type matcher, so
     * this runs for every class any loader loads: the loader of the previous question is
     * remembered beside the map (classes come in runs from one loader), and answered without a lock.
     */
    @Override
    public boolean matches(ClassLoader loader) {
        Object key = loader == null ? BOOT : loader;
        Last last = this.last;
        if (last != null && last.key.get() == key) {
            return last.answer;
        }
        Boolean known = answers.get(key);
        if (known == null) {
            known = check(loader);
            answers.put(key, known);
        }
        this.last = new Last(key, known);
        return known;
    }

    /** The last loader asked about (held weakly, as in the map) and its answer. */
    private static final class Last {
        final WeakReference<Object> key;
        final boolean answer;

        Last(Object key, boolean answer) {
            this.key = new WeakReference<Object>(key);
            this.answer = answer;
        }
    }

    /** The first missing requirement in {@code loader}, or null when all are there. */
    public String missing(ClassLoader loader) {
        ClassFileLocator locator = loader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader);
        TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
        for (String type : types) {
            if (!pool.describe(type).isResolved()) {
                return "class " + type;
            }
        }
        for (String[] m : methods) {
            TypeDescription type = pool.describe(m[0]).resolve();
            if (!hasMethod(type, m[1], Arrays.copyOfRange(m, 2, m.length))) {
                return "method " + m[0] + "." + m[1] + Arrays.toString(Arrays.copyOfRange(m, 2, m.length));
            }
        }
        return null;
    }

    private boolean check(ClassLoader loader) {
        try {
            return missing(loader) == null;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private static boolean hasMethod(TypeDescription type, String name, String[] params) {
        for (TypeDescription t = type; t != null; t = t.getSuperClass() == null ? null : t.getSuperClass().asErasure()) {
            if (declares(t, name, params)) {
                return true;
            }
            for (TypeDescription.Generic i : t.getInterfaces()) {
                if (declares(i.asErasure(), name, params)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean declares(TypeDescription t, String name, String[] params) {
        for (MethodDescription.InDefinedShape m : t.getDeclaredMethods()) {
            if (!m.getName().equals(name) || m.getParameters().size() != params.length) {
                continue;
            }
            int i = 0;
            boolean same = true;
            for (ParameterDescription.InDefinedShape p : m.getParameters()) {
                if (!p.getType().asErasure().getName().equals(params[i++])) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Requirements" + types;
    }
}
