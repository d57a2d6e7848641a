package io.sightline.agent.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM with the real agent jar attached, and captures its output
 * line by line. The child's class path is picked from this JVM's test class path by artifact
 * name, so each test states exactly which libraries the application has.
 */
public final class ForkedJvm implements AutoCloseable {
    public static final String JDK17 = System.getProperty("java.home");
    public static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> command;

    private ForkedJvm(List<String> command) throws IOException {
        this.command = command;
        this.process = new ProcessBuilder(command).start();
        pump(process.getInputStream(), stdout, "stdout");
        pump(process.getErrorStream(), stderr, "stderr");
    }

    /** True when a Java 25 JDK is installed here. */
    public static boolean hasJdk25() {
        return new File(JDK25, "bin/java").canExecute();
    }

    /** The agent jar built by agent-dist (system property sightline.agent.jar). */
    public static Path agentJar() {
        String p = System.getProperty("sightline.agent.jar");
        Path path = p != null ? Path.of(p) : Path.of("../agent-dist/target/sightline-agent.jar");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("agent jar not found at " + path.toAbsolutePath()
                    + "; build it with: mvn -pl agent/agent-it -am verify");
        }
        return path.toAbsolutePath();
    }

    /**
     * Entries of this JVM's test class path whose file name starts with one of {@code artifacts}
     * (e.g. "tomcat-embed-core", "h2-"), plus every directory (test classes).
     */
    public static List<String> classpath(String... artifacts) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> out = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isDirectory() && (entry.endsWith("test-classes") || entry.endsWith("classes"))) {
                if (entry.endsWith("test-classes")) {
                    out.add(entry);
                }
                continue;
            }
            for (String a : artifacts) {
                if (f.getName().startsWith(a)) {
                    out.add(entry);
                    break;
                }
            }
        }
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Waits for a stdout line starting with {@code prefix}; returns the rest of the line. The wait
     * is at least {@code it.minWaitSeconds} (default 90): JVMs start slowly on a busy shared
     * machine, and a child that dies fails at once anyway.
     */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        Duration floor = Duration.ofSeconds(Long.getLong("it.minWaitSeconds", 90));
        long deadline = System.nanoTime() + (timeout.compareTo(floor) < 0 ? floor : timeout).toNanos();
        while (true) {
            for (String line : stdout) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("child exited with " + process.exitValue() + " before '" + prefix + "'\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + prefix + "' line in time\n" + describe());
            }
            Thread.sleep(20);
        }
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    public Process process() {
        return process;
    }

    /** Waits for the child to exit by itself. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child still running\n" + describe());
        }
        return process.exitValue();
    }

    /** Asks the child to stop (SIGTERM, shutdown hooks run) and waits. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    public String describe() {
        return "command: " + String.join(" ", command) + "\nstdout:\n" + String.join("\n", stdout)
                + "\nstderr:\n" + String.join("\n", stderr);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(15));
        }
    }

    private static void pump(InputStream in, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "forked-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Describes the child JVM. */
    public static final class Builder {
        private String javaHome = JDK17;
        private Path agent;
        private final Map<String, String> props = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> classpath = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String mainClass;
        private boolean quickJit = true;
        private final List<String> args = new ArrayList<>();

        public Builder javaHome(String home) {
            this.javaHome = home;
            return this;
        }

        /** Attaches the agent jar (without this, the child runs with no agent). */
        public Builder withAgent() {
            this.agent = agentJar();
            return this;
        }

        public Builder property(String key, Object value) {
            props.put(key, String.valueOf(value));
            return this;
        }

        /** Full tiered JIT (for benchmarks); by default the child stops at C1, which starts faster. */
        public Builder fullJit() {
            this.quickJit = false;
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public Builder classpath(List<String> entries) {
            classpath.addAll(entries);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder main(String mainClass, String... args) {
            this.mainClass = mainClass;
            this.args.addAll(List.of(args));
            return this;
        }

        public ForkedJvm start() throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaHome + "/bin/java");
            cmd.add("-Xmx256m");
            if (quickJit) {
                cmd.add("-XX:TieredStopAtLevel=1");
            }
            cmd.addAll(jvmArgs);
            if (agent != null) {
                cmd.add("-javaagent:" + agent);
            }
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, classpath));
            cmd.add(mainClass);
            cmd.addAll(args);
            if (!env.isEmpty()) {
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().putAll(env);
                return new ForkedJvm(cmd, pb);
            }
            return new ForkedJvm(cmd);
        }
    }

    private ForkedJvm(List<String> command, ProcessBuilder pb) throws IOException {
        this.command = command;
        this.process = pb.start();
        pump(process.getInputStream(), stdout, "stdout");
        pump(process.getErrorStream(), stderr, "stderr");
    }
}
