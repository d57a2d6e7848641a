package io.sightline.hbase.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A standalone HBase (master, region server and ZooKeeper in one process) running in a child JVM.
 *
 * <p>This class is the parent side and uses only the JDK, so the server can hold it without any
 * HBase server jar. The child runs {@link StandaloneChild} with the HBase jars of {@code libDir}
 * on its class path. Data lives under {@code dataDir}: {@code hbase/} (the root dir),
 * {@code zookeeper/}, {@code conf/hbase-site.xml}, {@code logs/hbase.log} and {@code hbase.pid}.
 */
public final class EmbeddedHBase implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedHBase.class.getName());
    static final String PID_FILE = "hbase.pid";
    static final String READY_FILE = "hbase.ready";
    static final String CHILD_MAIN = "io.sightline.hbase.standalone.StandaloneChild";
    /** Every class the child loads from this module (StandaloneChild has no nested classes). */
    private static final List<String> CHILD_CLASSES = List.of(CHILD_MAIN);

    private final Path dataDir;
    private final Process process;
    private final String quorum;
    private final int zookeeperPort;
    private final Options options;
    private volatile boolean stopped;

    private EmbeddedHBase(Path dataDir, Process process, int zookeeperPort, Options options) {
        this.dataDir = dataDir;
        this.process = process;
        this.zookeeperPort = zookeeperPort;
        this.quorum = "127.0.0.1:" + zookeeperPort;
        this.options = options;
    }

    /** Settings of the child; {@link #defaults()} suits one machine. */
    public record Options(String maxHeap, int zookeeperPort, Duration startTimeout, Duration stopTimeout,
                          List<String> extraJvmArgs) {
        public Options {
            if (!maxHeap.matches("\\d+[mMgG]")) {
                throw new IllegalArgumentException("maxHeap must look like 768m or 1g: " + maxHeap);
            }
            extraJvmArgs = List.copyOf(extraJvmArgs);
        }

        public static Options defaults() {
            return new Options("768m", 0, Duration.ofSeconds(120), Duration.ofSeconds(60), List.of());
        }

        public Options withMaxHeap(String heap) {
            return new Options(heap, zookeeperPort, startTimeout, stopTimeout, extraJvmArgs);
        }

        /** 0 chooses a free port. */
        public Options withZookeeperPort(int port) {
            return new Options(maxHeap, port, startTimeout, stopTimeout, extraJvmArgs);
        }
    }

    /**
     * Starts the child and waits until HBase answers (tables can be created), stopping first a
     * child left running by an earlier crashed process on the same data dir.
     *
     * @param dataDir where HBase keeps everything; created when missing
     * @param libDir  the HBase server jars (hbase-standalone's target/hbase-lib or dist/hbase/lib)
     */
    public static EmbeddedHBase start(Path dataDir, Path libDir, Options options) throws IOException {
        dataDir = dataDir.toAbsolutePath().normalize();
        libDir = libDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(libDir) || !containsHBaseServer(libDir)) {
            throw new IOException("HBase lib dir " + libDir + " does not hold the hbase-server jars"
                    + " (build with 'mvn package', or set sightline.hbase.lib-dir)");
        }
        Files.createDirectories(dataDir);
        stopStaleChild(dataDir, options.stopTimeout());

        int zk = options.zookeeperPort() > 0 ? requireFree(options.zookeeperPort(), "ZooKeeper") : freePort();
        int master = freePort();
        int regionServer = freePort();
        while (master == zk) {
            master = freePort();
        }
        while (regionServer == zk || regionServer == master) {
            regionServer = freePort();
        }

        Path conf = dataDir.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(dataDir.resolve("logs"));
        Files.createDirectories(dataDir.resolve("tmp"));
        writeAtomically(conf.resolve("hbase-site.xml"), siteXml(siteProperties(dataDir, zk, master, regionServer)));
        writeAtomically(conf.resolve("log4j.properties"), log4jProperties());
        Files.deleteIfExists(dataDir.resolve(READY_FILE));

        Path log = dataDir.resolve("logs").resolve("hbase.log");
        rollLog(log);
        List<String> command = command(conf, libDir, options);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("HBASE_CONF_DIR");
        pb.environment().remove("CLASSPATH");
        Process p = pb.start();
        writeAtomically(dataDir.resolve(PID_FILE), pidFileText(p.pid(), ProcessHandle.current()));
        EmbeddedHBase hbase = new EmbeddedHBase(dataDir, p, zk, options);
        try {
            hbase.awaitReady(options.startTimeout(), log);
        } catch (IOException | RuntimeException e) {
            hbase.destroy();
            throw e;
        }
        return hbase;
    }

    /** The ZooKeeper quorum clients connect to, {@code 127.0.0.1:port}. */
    public String quorum() {
        return quorum;
    }

    public int zookeeperPort() {
        return zookeeperPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's log file. */
    public Path logFile() {
        return dataDir.resolve("logs").resolve("hbase.log");
    }

    /**
     * Ordered shutdown: asks the child to shut the cluster down through the Admin API (regions
     * flushed and closed), waits for it to exit, and destroys it after the stop timeout.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (process.isAlive()) {
            try {
                OutputStream in = process.getOutputStream();
                in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            } catch (IOException e) {
                LOG.log(Level.FINE, "HBase child stdin already closed", e);
            }
            try {
                if (!process.waitFor(options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warning("HBase child did not stop within " + options.stopTimeout() + "; destroying it");
                    destroy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                destroy();
            }
        }
        closeQuietly();
        try {
            Files.deleteIfExists(dataDir.resolve(PID_FILE));
            Files.deleteIfExists(dataDir.resolve(READY_FILE));
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not remove pid file", e);
        }
    }

    /** Kills the child without an ordered shutdown (tests of crash recovery use it). */
    public synchronized void kill() {
        stopped = true;
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }

    /** Closes the child's stdin as the death of this process would (tests use it). */
    void closeLifelineForTest() {
        closeQuietly();
    }

    @Override
    public void close() {
        stop();
    }

    private void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    private void awaitReady(Duration timeout, Path log) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path ready = dataDir.resolve(READY_FILE);
        while (System.nanoTime() < deadline) {
            if (Files.exists(ready)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("HBase child exited with code " + process.exitValue()
                        + " before it was ready; see " + log + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for HBase", e);
            }
        }
        throw new IOException("HBase child not ready after " + timeout + "; see " + log + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> errors = new ArrayList<>();
            for (String line : lines) {
                if (line.contains("ERROR") || line.contains("Exception")) {
                    errors.add(line);
                }
            }
            List<String> shown = errors.isEmpty() ? lines : errors;
            return "\n  " + String.join("\n  ", shown.subList(Math.max(0, shown.size() - 8), shown.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> command(Path conf, Path libDir, Options options) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Xmx" + options.maxHeap());
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true");
        cmd.add("-Dlog4j.configuration=" + conf.resolve("log4j.properties").toUri());
        cmd.add("-Dsightline.hbase.child=true");
        // what Hadoop and HBase reach into on JDK 17 (the same list as HBase's own bin/hbase)
        for (String open : List.of("java.base/java.lang", "java.base/java.lang.reflect", "java.base/java.nio",
                "java.base/sun.nio.ch", "java.base/jdk.internal.ref", "java.base/java.util",
                "java.base/java.util.concurrent", "java.base/java.io", "java.base/java.net")) {
            cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        for (String export : List.of("java.base/jdk.internal.misc", "java.security.jgss/sun.security.krb5",
                "java.base/sun.net.dns", "java.base/sun.net.util")) {
            cmd.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        cmd.addAll(options.extraJvmArgs());
        String sep = java.io.File.pathSeparator;
        StringBuilder cp = new StringBuilder();
        cp.append(conf).append(sep).append(extractChildClasses(conf)).append(sep)
                .append(libDir).append(java.io.File.separator).append('*');
        cmd.add("-cp");
        cmd.add(cp.toString());
        cmd.add(CHILD_MAIN);
        cmd.add(conf.getParent().toString());
        return cmd;
    }

    static Map<String, String> siteProperties(Path dataDir, int zk, int master, int regionServer) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hbase.cluster.distributed", "false");
        p.put("hbase.rootdir", dataDir.resolve("hbase").toUri().toString());
        p.put("hbase.tmp.dir", dataDir.resolve("tmp").toString());
        p.put("hbase.zookeeper.property.dataDir", dataDir.resolve("zookeeper").toString());
        p.put("hbase.zookeeper.quorum", "127.0.0.1");
        p.put("hbase.zookeeper.property.clientPort", Integer.toString(zk));
        p.put("hbase.zookeeper.property.clientPortAddress", "127.0.0.1");
        p.put("hbase.master.port", Integer.toString(master));
        p.put("hbase.regionserver.port", Integer.toString(regionServer));
        p.put("hbase.master.ipc.address", "127.0.0.1");
        p.put("hbase.regionserver.ipc.address", "127.0.0.1");
        p.put("hbase.master.hostname", "127.0.0.1");
        p.put("hbase.unsafe.regionserver.hostname", "127.0.0.1");
        p.put("hbase.master.info.port", "-1");
        p.put("hbase.regionserver.info.port", "-1");
        p.put("hbase.unsafe.stream.capability.enforce", "false");
        p.put("hbase.master.wait.on.regionservers.maxtostart", "1");
        p.put("hbase.master.wait.on.regionservers.mintostart", "1");
        p.put("hbase.localcluster.assign.random.ports", "false");
        // one process, a few cores: keep thread pools modest
        p.put("hbase.regionserver.handler.count", "16");
        // a small heap holds master, region server and ZooKeeper: leave room beside memstores and
        // block cache (defaults 0.4 + 0.4 ran out of heap under heavy ingest), and bound the RPC
        // queue (default 1 GB) so that overload is refused (clients retry) instead of fatal
        p.put("hbase.regionserver.global.memstore.size", "0.3");
        p.put("hfile.block.cache.size", "0.25");
        p.put("hbase.ipc.server.max.callqueue.size", Integer.toString(96 * 1024 * 1024));
        // GZ (pure Java Deflater, no native zlib here) at its fastest level: flushes and
        // compactions compress every byte stored, and at the default level (6) that was about a
        // fifth of the CPU per span at ingest. Files stay standard GZ, readable at any level.
        p.put("zlib.compress.level", "BEST_SPEED");
        return p;
    }

    static String siteXml(Map<String, String> props) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!-- written by Sightline at each start -->\n<configuration>\n");
        props.forEach((k, v) -> sb.append("  <property><name>").append(xml(k)).append("</name><value>")
                .append(xml(v)).append("</value></property>\n"));
        return sb.append("</configuration>\n").toString();
    }

    private static String log4jProperties() {
        return String.join("\n",
                "log4j.rootLogger=INFO,console",
                "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                "log4j.appender.console.target=System.out",
                "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{2}: %m%n",
                "log4j.logger.org.apache.zookeeper=WARN",
                "log4j.logger.org.apache.hadoop.hbase.zookeeper=WARN",
                "log4j.logger.org.apache.hadoop.metrics2=WARN",
                "log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR",
                "");
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void rollLog(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > 20L * 1024 * 1024) {
            Files.move(log, log.resolveSibling("hbase.log.1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** "child-pid parent-pid parent-start-ms": enough to tell a live owner from a crashed one. */
    static String pidFileText(long childPid, ProcessHandle parent) {
        return childPid + " " + parent.pid() + " " + parent.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }

    /**
     * Stops a child left by a crashed parent (it would hold the data dir and its ports); refuses
     * to start when the child's parent is another live process: the data dir is in use.
     */
    static void stopStaleChild(Path dataDir, Duration timeout) throws IOException {
        Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        String[] parts = Files.readString(pidFile).trim().split("\\s+");
        long pid;
        try {
            pid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            Files.delete(pidFile);
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent() && handle.get().isAlive() && isOurChild(handle.get())) {
            if (parts.length == 3 && ownerAlive(Long.parseLong(parts[1]), Long.parseLong(parts[2]))) {
                throw new IOException("the data dir " + dataDir + " is in use by the HBase child (pid " + pid
                        + ") of another running process (pid " + parts[1] + "); stop that one or use another data dir");
            }
            LOG.warning("Stopping a stale HBase child (pid " + pid + ") left on " + dataDir);
            ProcessHandle h = handle.get();
            h.destroy();
            try {
                h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e2) {
                    throw new IOException("could not stop stale HBase child pid " + pid, e2);
                }
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** Whether the recorded parent still runs (same pid and start time) and is not this process. */
    private static boolean ownerAlive(long parentPid, long parentStartMs) {
        if (parentPid == ProcessHandle.current().pid()) {
            return false; // ours: a restart of storage inside this process reclaims it
        }
        return ProcessHandle.of(parentPid).filter(ProcessHandle::isAlive)
                .map(p -> p.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L) == parentStartMs)
                .orElse(false);
    }

    private static boolean isOurChild(ProcessHandle h) {
        // a pid may have been reused by an unrelated process: check the command line when we can
        Optional<String> cmd = h.info().commandLine();
        return cmd.map(c -> c.contains(CHILD_MAIN)).orElse(h.info().arguments()
                .map(a -> String.join(" ", a).contains(CHILD_MAIN)).orElse(false));
    }

    private static boolean containsHBaseServer(Path libDir) throws IOException {
        try (var s = Files.list(libDir)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith("hbase-server-"));
        }
    }

    /**
     * Copies the child's classes out of whatever holds this class (a jar, a classes dir, or a jar
     * nested in the server's Spring Boot jar) into {@code conf/classes}, for the child's class path.
     */
    private static Path extractChildClasses(Path conf) throws IOException {
        Path root = conf.resolve("classes");
        for (String name : CHILD_CLASSES) {
            String resource = name.replace('.', '/') + ".class";
            Path target = root.resolve(resource);
            Files.createDirectories(target.getParent());
            try (var in = EmbeddedHBase.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("class " + name + " not found beside " + EmbeddedHBase.class.getName());
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return root;
    }

    static String javaExecutable() {
        Optional<String> current = ProcessHandle.current().info().command();
        if (current.isPresent() && Files.isExecutable(Path.of(current.get()))) {
            return current.get();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port free on 127.0.0.1 right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static int requireFree(int port, String what) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new IOException(what + " port " + port + " is already in use", e);
        }
    }
}
