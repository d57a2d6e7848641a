package io.sightline.agent.core.http;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The status code of an HTTP client library's response object, read through its public API:
 * {@code statusCode()} (java.net.http), {@code code()} (OkHttp), {@code getCode()} (Apache
 * HttpClient 5) or {@code getStatusLine().getStatusCode()} (Apache HttpClient 4). Used where the
 * response reaches the agent as a plain Object (async completions). 0 when unknown.
 */
public final class ResponseStatus {
    private static final String[][] ACCESSORS = {
            {"statusCode"}, {"code"}, {"getCode"}, {"getStatusLine", "getStatusCode"}};

    private static final ClassValue<Method[]> PATHS = new ClassValue<Method[]>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            for (String[] path : ACCESSORS) {
                Method[] chain = new Method[path.length];
                Class<?> on = type;
                for (int i = 0; i < path.length && on != null; i++) {
                    chain[i] = publicMethod(on, path[i]);
                    on = chain[i] == null ? null : chain[i].getReturnType();
                }
                if (chain[path.length - 1] != null && chain[path.length - 1].getReturnType() == int.class) {
                    return chain;
                }
            }
            return new Method[0];
        }
    };

    private ResponseStatus() {
    }

    /** The status of {@code response}, or 0 when it has none we can read. */
    public static int of(Object response) {
        if (response == null) {
            return 0;
        }
        try {
            Method[] chain = PATHS.get(response.getClass());
            if (chain.length == 0) {
                return 0;
            }
            Object value = response;
            for (Method m : chain) {
                value = m.invoke(value);
                if (value == null) {
                    return 0;
                }
            }
            return (Integer) value;
        } catch (Throwable unreadable) {
            return 0;
        }
    }

    /**
     * A public no-argument method callable from outside the type's module: declared by a public
     * interface or a public class (the runtime class is often an internal one, as in java.net.http).
     */
    static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers()) && exported(c)) {
                Method m = declared(c, name);
                if (m != null) {
                    return m;
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method m = fromInterface(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Method fromInterface(Class<?> i, String name) {
        if (Modifier.isPublic(i.getModifiers()) && exported(i)) {
            Method m = declared(i, name);
            if (m != null) {
                return m;
            }
        }
        for (Class<?> parent : i.getInterfaces()) {
            Method m = fromInterface(parent, name);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private static Method declared(Class<?> c, String name) {
        try {
            Method m = c.getDeclaredMethod(name);
            return Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        } catch (Throwable e) {
            return null;
        }
    }

    /** Classes of internal JDK packages are public but not callable from here. */
    private static boolean exported(Class<?> c) {
        String n = c.getName();
        return !(n.startsWith("jdk.internal.") || n.startsWith("sun.") || n.startsWith("com.sun."));
    }
}
