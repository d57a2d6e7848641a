package io.sightline.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class} of the agent jar.
 *
 * <p>It puts the jar on the bootstrap search path (so the bridge classes are visible from every
 * class loader), creates the {@link AgentClassLoader} over the jar's hidden {@code inst/} folder
 * and hands over to the agent core loaded there. Nothing it does may stop the application: any
 * failure is one line on stderr.
 */
public final class AgentMain {
    static final String CORE_CLASS = "io.sightline.agent.core.AgentStarter";
    static final String INJECTOR_CLASS = "io.sightline.agent.core.BridgeInjector";
    static final String BRIDGE_PATH = "io/sightline/agent/bridge/";
    /**
     * The bridge's classes, superclasses first, read by name: enumerating the jar's entries (some
     * 15,000 in 17 MB) to find them cost premain about 30 ms. {@code AgentMainTest} checks this
     * list against the compiled package.
     */
    static final String[] BRIDGE_CLASSES = {"BridgeHandler", "Slotted", "Bridge"};

    private AgentMain() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static synchronized void start(String args, Instrumentation inst) {
        if (System.getProperty("sightline.agent.started") != null) {
            return; // attached twice (two -javaagent flags): the first one wins
        }
        System.setProperty("sightline.agent.started", "true");
        try {
            File jar = agentJar();
            ClassLoader loader = new AgentClassLoader(jar, AgentClassLoader.platformLoader());
            // must come first: from now on the bridge classes resolve to the bootstrap loader
            putBridgeOnBootstrap(inst, jar, loader);
            Class<?> starter = Class.forName(CORE_CLASS, true, loader);
            Method start = starter.getMethod("start", Instrumentation.class, File.class, String.class);
            start.invoke(null, inst, jar, args);
        } catch (Throwable t) {
            Throwable cause = t.getCause() != null && t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
            System.err.println("[sightline] agent not started: " + cause);
        }
    }

    /**
     * Defines the bridge in the bootstrap loader: directly when the JVM allows it (silent), else by
     * appending the agent jar to the bootstrap search path (HotSpot then warns about CDS once).
     */
    static void putBridgeOnBootstrap(Instrumentation inst, File jar, ClassLoader agentLoader) throws Exception {
        Map<String, byte[]> classes = bridgeClasses(jar);
        boolean injected = false;
        if (!Boolean.getBoolean("sightline.bootstrap.append")) {
            Class<?> injector = Class.forName(INJECTOR_CLASS, true, agentLoader);
            Method inject = injector.getMethod("inject", Instrumentation.class, Map.class);
            injected = (Boolean) inject.invoke(null, inst, classes);
        }
        if (!injected) {
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
        }
    }

    /** Binary name -> class file of each bridge class, from the agent jar. */
    static Map<String, byte[]> bridgeClasses(File jar) throws IOException {
        JarFile jarFile = new JarFile(jar, false);
        Map<String, byte[]> classes = new LinkedHashMap<String, byte[]>();
        try {
            for (String simpleName : BRIDGE_CLASSES) {
                JarEntry entry = jarFile.getJarEntry(BRIDGE_PATH + simpleName + ".class");
                if (entry == null) {
                    classes.clear(); // a jar laid out otherwise: look at every entry
                    break;
                }
                classes.put((BRIDGE_PATH + simpleName).replace('/', '.'), AgentClassLoader.readAll(jarFile.getInputStream(entry), entry.getSize()));
            }
            if (classes.isEmpty()) {
                for (Enumeration<JarEntry> e = jarFile.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(BRIDGE_PATH) && name.endsWith(".class")) {
                        classes.put(name.substring(0, name.length() - 6).replace('/', '.'), AgentClassLoader.readAll(jarFile.getInputStream(entry), entry.getSize()));
                    }
                }
            }
        } finally {
            jarFile.close();
        }
        return classes;
    }

    static File agentJar() throws URISyntaxException {
        CodeSource source = AgentMain.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot locate the agent jar");
        }
        return new File(source.getLocation().toURI());
    }
}
