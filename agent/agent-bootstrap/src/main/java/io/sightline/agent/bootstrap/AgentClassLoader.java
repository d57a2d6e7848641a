package io.sightline.agent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's own classes and resources from the {@code inst/} folder of the agent jar.
 *
 * <p>Classes there are stored as {@code inst/a/b/C.classdata}, so neither the system loader
 * (which has the agent jar on its class path) nor the bootstrap loader (to which premain
 * appends the jar) can find them: the application never sees our ByteBuddy, gRPC or netty, and
 * we never see the application's. The parent is the platform loader (bootstrap on Java 8), so
 * JDK modules such as java.sql and java.management resolve, and so does the bridge.
 */
public final class AgentClassLoader extends ClassLoader {
    /** Folder of the agent jar that holds everything but the bootstrap classes. */
    public static final String PREFIX = "inst/";
    static final String CLASS_SUFFIX = ".classdata";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    public AgentClassLoader(File agentJar, ClassLoader parent) throws IOException {
        super(parent);
        this.jar = new JarFile(agentJar, false);
        this.jarUrl = "jar:" + agentJar.toURI().toURL().toExternalForm() + "!/";
        this.domain = new ProtectionDomain(new CodeSource(agentJar.toURI().toURL(), (Certificate[]) null),
                null, this, null);
    }

    /** The platform loader on Java 9+, null (bootstrap) on Java 8. */
    public static ClassLoader platformLoader() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception java8) {
            return null;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = PREFIX + name.replace('.', '/') + CLASS_SUFFIX;
        JarEntry entry = jar.getJarEntry(path);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try {
            bytes = read(entry);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getPackageCompat(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException alreadyDefinedConcurrently) {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @SuppressWarnings("deprecation")
    private Package getPackageCompat(String pkg) {
        return getPackage(pkg);
    }

    @Override
    protected URL findResource(String name) {
        String path = PREFIX + stripSlash(name);
        if (jar.getJarEntry(path) == null) {
            return null;
        }
        try {
            return new URL(jarUrl + path);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.<URL>emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    /** The bytes of a class file of ours, for ByteBuddy to read advice without loading it. */
    public byte[] classBytes(String className) throws IOException {
        JarEntry entry = jar.getJarEntry(PREFIX + className.replace('.', '/') + CLASS_SUFFIX);
        return entry == null ? null : read(entry);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        // serve class files of ours under their usual name too, for tools that read them so
        if (name.endsWith(".class")) {
            JarEntry entry = jar.getJarEntry(PREFIX + stripSlash(name.substring(0, name.length() - 6)) + CLASS_SUFFIX);
            if (entry != null) {
                try {
                    return jar.getInputStream(entry);
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    /**
     * The entry's bytes, read straight into an array of its size when the jar says it (it does
     * for every entry of ours): no growing buffer and final copy for each of the ~2,000 classes
     * startup loads.
     */
    private byte[] read(JarEntry entry) throws IOException {
        return readAll(jar.getInputStream(entry), entry.getSize());
    }

    static byte[] readAll(InputStream in, long size) throws IOException {
        try {
            if (size >= 0 && size < Integer.MAX_VALUE) {
                byte[] bytes = new byte[(int) size];
                int off = 0;
                int n;
                while (off < bytes.length && (n = in.read(bytes, off, bytes.length - off)) > 0) {
                    off += n;
                }
                int more = off == bytes.length ? in.read() : -1;
                if (off == bytes.length && more < 0) {
                    return bytes;
                }
                // the size was wrong: go on with what was read
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(off * 2, 4096));
                out.write(bytes, 0, off);
                if (more >= 0) {
                    out.write(more);
                }
                copy(in, out);
                return out.toByteArray();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            copy(in, out);
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }
}
