package io.sightline.agent.core.config;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's settings. Each key is looked up as a system property, then as an environment
 * variable ({@code sightline.applicationName} -> {@code SIGHTLINE_APPLICATION_NAME}), then in the
 * properties file named by {@code sightline.config}; the first one found wins.
 */
public final class AgentConfig {
    public static final String APPLICATION_NAME = "sightline.applicationName";
    public static final String AGENT_ID = "sightline.agentId";
    public static final String COLLECTOR = "sightline.collector";
    public static final String SAMPLING_RATE = "sightline.sampling.rate";
    public static final String SAMPLING_MAX_PER_SECOND = "sightline.sampling.maxPerSecond";
    public static final String TOKEN = "sightline.token";
    public static final String CONFIG = "sightline.config";
    public static final String JDBC_BIND_VALUES = "sightline.jdbc.bindValues";
    public static final String JDBC_MAX_SQL_LENGTH = "sightline.jdbc.maxSqlLength";
    public static final String JDBC_MAX_BIND_VALUE_LENGTH = "sightline.jdbc.maxBindValueLength";
    public static final String SPAN_MAX_EVENTS = "sightline.span.maxEvents";
    public static final String BACKLOG_SIZE = "sightline.backlog.size";
    public static final String BATCH_SIZE = "sightline.batch.size";
    public static final String STATS_INTERVAL = "sightline.stats.intervalMillis";
    public static final String TRANSPORT_START_DELAY = "sightline.transport.startDelayMillis";
    public static final String PING_INTERVAL = "sightline.ping.intervalMillis";
    public static final String LOG_DIR = "sightline.log.dir";
    public static final String LOG_LEVEL = "sightline.log.level";
    public static final String LOG_MAX_KB = "sightline.log.maxFileKb";
    public static final String LOG_FILES = "sightline.log.files";
    public static final String CLIENT_IP_HEADER = "sightline.http.clientIpHeader";
    public static final String DEFAULT_COLLECTOR = "127.0.0.1:9991";

    private final Map<String, String> env;
    private final Properties system;
    private final Properties file;
    private final String fileProblem;

    AgentConfig(Properties system, Map<String, String> env) {
        this.system = system;
        this.env = env;
        String path = first(CONFIG, system, env, null);
        Properties loaded = new Properties();
        String problem = null;
        if (path != null && !path.trim().isEmpty()) {
            File f = new File(path.trim());
            try (InputStream in = new FileInputStream(f)) {
                loaded.load(in);
            } catch (IOException e) {
                problem = "cannot read " + CONFIG + " file " + f + ": " + e;
            }
        }
        this.file = loaded;
        this.fileProblem = problem;
    }

    /** Settings of this JVM. */
    public static AgentConfig fromEnvironment() {
        return new AgentConfig(System.getProperties(), System.getenv());
    }

    /** Settings from explicit sources, for tests. */
    public static AgentConfig of(Properties system, Map<String, String> env) {
        return new AgentConfig(system, env);
    }

    /** The problem reading the config file, or null. */
    public String fileProblem() {
        return fileProblem;
    }

    /** {@code sightline.fooBar.baz-qux} -> {@code SIGHTLINE_FOO_BAR_BAZ_QUX}. */
    public static String envName(String key) {
        StringBuilder sb = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '-') {
                sb.append('_');
            } else if (Character.isUpperCase(c)) {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    private static String first(String key, Properties system, Map<String, String> env, Properties file) {
        String v = system.getProperty(key);
        if (v == null && env != null) {
            v = env.get(envName(key));
        }
        if (v == null && file != null) {
            v = file.getProperty(key);
        }
        return v;
    }

    /** The raw value, trimmed; null when unset or blank. */
    public String get(String key) {
        String v = first(key, system, env, file);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    public String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    /** An integer setting; a value that is not a number falls back to the default (and is reported by {@link #problems()}). */
    public int getInt(String key, int defaultValue, int min, int max) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            return n < min || n > max ? defaultValue : n;
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        return !("false".equalsIgnoreCase(v) || "no".equalsIgnoreCase(v) || "off".equalsIgnoreCase(v) || "0".equals(v));
    }

    /** Problems with the given settings (bad numbers), for the log. */
    public List<String> problems() {
        List<String> out = new ArrayList<String>();
        if (fileProblem != null) {
            out.add(fileProblem);
        }
        checkInt(out, SAMPLING_RATE, 1, Integer.MAX_VALUE);
        checkInt(out, SAMPLING_MAX_PER_SECOND, 0, Integer.MAX_VALUE);
        checkInt(out, BACKLOG_SIZE, 100, 10_000_000);
        checkInt(out, SPAN_MAX_EVENTS, 1, 100_000);
        checkInt(out, JDBC_MAX_SQL_LENGTH, 16, 1_000_000);
        checkInt(out, JDBC_MAX_BIND_VALUE_LENGTH, 4, 100_000);
        checkInt(out, LOG_MAX_KB, 1, 1_048_576);
        checkInt(out, LOG_FILES, 1, 100);
        for (String address : rawCollectors()) {
            if (parseAddress(address) == null) {
                out.add(COLLECTOR + ": '" + address + "' is not host:port");
            }
        }
        return out;
    }

    private void checkInt(List<String> out, String key, int min, int max) {
        String v = get(key);
        if (v == null) {
            return;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                out.add(key + "=" + v + " is out of range [" + min + ", " + max + "], using the default");
            }
        } catch (NumberFormatException e) {
            out.add(key + "=" + v + " is not a number, using the default");
        }
    }

    public String applicationName() {
        return get(APPLICATION_NAME);
    }

    /** The agent id; hostname + pid by default. */
    public String agentId() {
        String id = get(AGENT_ID);
        return id != null ? id : hostname() + "-" + pid();
    }

    private List<String> rawCollectors() {
        String v = get(COLLECTOR, DEFAULT_COLLECTOR);
        List<String> out = new ArrayList<String>();
        for (String part : v.split(",")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** The collector addresses in failover order; invalid entries are left out. */
    public List<HostPort> collectors() {
        List<HostPort> out = new ArrayList<HostPort>();
        for (String s : rawCollectors()) {
            HostPort hp = parseAddress(s);
            if (hp != null) {
                out.add(hp);
            }
        }
        if (out.isEmpty()) {
            out.add(parseAddress(DEFAULT_COLLECTOR));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code host:port} or {@code [v6]:port}; null when invalid. */
    public static HostPort parseAddress(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return null;
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port < 65536 && !host.isEmpty() ? new HostPort(host, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public int samplingRate() {
        return getInt(SAMPLING_RATE, 1, 1, Integer.MAX_VALUE);
    }

    /** New traces per second at most; 0 = no cap (the default). */
    public int samplingMaxPerSecond() {
        return getInt(SAMPLING_MAX_PER_SECOND, 0, 0, Integer.MAX_VALUE);
    }

    /** The collector token, or null. Never log it. */
    public String token() {
        return get(TOKEN);
    }

    public boolean pluginEnabled(String name) {
        return getBoolean("sightline.plugin." + name + ".enabled", true);
    }

    public boolean jdbcBindValues() {
        return getBoolean(JDBC_BIND_VALUES, true);
    }

    public int jdbcMaxSqlLength() {
        return getInt(JDBC_MAX_SQL_LENGTH, 8192, 16, 1_000_000);
    }

    public int jdbcMaxBindValueLength() {
        return getInt(JDBC_MAX_BIND_VALUE_LENGTH, 256, 4, 100_000);
    }

    public int spanMaxEvents() {
        return getInt(SPAN_MAX_EVENTS, 2000, 1, 100_000);
    }

    public int backlogSize() {
        return getInt(BACKLOG_SIZE, 10_000, 100, 10_000_000);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE, 5000, 1, 10_000);
    }

    /** The longest the transport waits for a first span before it connects anyway. */
    public int transportStartDelayMillis() {
        return getInt(TRANSPORT_START_DELAY, 5000, 0, 600_000);
    }

    public int statsIntervalMillis() {
        return getInt(STATS_INTERVAL, 5000, 100, 3_600_000);
    }

    public int pingIntervalMillis() {
        return getInt(PING_INTERVAL, 5000, 100, 3_600_000);
    }

    public String clientIpHeader() {
        String h = get(CLIENT_IP_HEADER);
        return h == null ? null : h.toLowerCase(Locale.ROOT);
    }

    public File logDir() {
        String dir = get(LOG_DIR);
        return dir != null ? new File(dir) : new File(System.getProperty("java.io.tmpdir"), "sightline-agent");
    }

    /** Size of one log file before rotation, KB (default 10 MB). */
    public int logMaxFileKb() {
        return getInt(LOG_MAX_KB, 10_240, 1, 1_048_576);
    }

    /** Rotated log files kept beside the current one. */
    public int logFiles() {
        return getInt(LOG_FILES, 3, 1, 100);
    }

    public String logLevel() {
        return get(LOG_LEVEL, "INFO").toUpperCase(Locale.ROOT);
    }

    /**
     * This host's name as the kernel has it. On Linux it is read from {@code /proc} (the same
     * answer as {@code InetAddress.getLocalHost().getHostName()}, without resolving the name's
     * address, which premain must not wait for).
     */
    public static String hostname() {
        String proc = firstLine(PROC_HOSTNAME);
        if (proc != null && !proc.isEmpty()) {
            return proc;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "localhost";
        }
    }

    /**
     * This JVM's process id. On Linux {@code /proc/self} names it; elsewhere Java 9+ answers from
     * ProcessHandle (whose class starts a thread pool: {@code ThreadPoolExecutor} loaded before the
     * advice is installed has to be retransformed) and only Java 8 pays for the JMX runtime bean
     * (loading JMX costs premain a good 100 ms).
     */
    public static int pid() {
        int proc = procSelfPid(PROC_SELF);
        if (proc > 0) {
            return proc;
        }
        Object handle = currentProcessHandle();
        if (handle != null) {
            try {
                return (int) ((Long) handle.getClass().getMethod("pid").invoke(handle)).longValue();
            } catch (Exception e) {
                // fall back to JMX
            }
        }
        String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host on every JVM we support
        int at = name.indexOf('@');
        try {
            return Integer.parseInt(at > 0 ? name.substring(0, at) : name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** When this JVM started (epoch ms); ProcessHandle on Java 9+, the JMX runtime bean on Java 8. */
    public static long jvmStartTime() {
        long start = processStartMillis();
        if (start > 0) {
            return start;
        }
        try {
            return ManagementFactory.getRuntimeMXBean().getStartTime();
        } catch (Throwable t) {
            return System.currentTimeMillis();
        }
    }

    /**
     * The process's start (epoch ms) from {@code ProcessHandle}, read through its public
     * interfaces (the implementation classes are not accessible: reading through them failed
     * every time and fell back to JMX, loading and starting the management machinery); -1 when
     * unknown or on Java 8.
     */
    static long processStartMillis() {
        Object handle = currentProcessHandle();
        if (handle == null) {
            return -1;
        }
        try {
            Object info = Class.forName("java.lang.ProcessHandle").getMethod("info").invoke(handle);
            Object start = Class.forName("java.lang.ProcessHandle$Info").getMethod("startInstant").invoke(info);
            Object instant = java.util.Optional.class.getMethod("orElse", Object.class).invoke(start, (Object) null);
            return instant == null ? -1 : (Long) Class.forName("java.time.Instant").getMethod("toEpochMilli").invoke(instant);
        } catch (Exception e) {
            return -1;
        }
    }

    static final File PROC_SELF = new File("/proc/self");
    static final File PROC_HOSTNAME = new File("/proc/sys/kernel/hostname");

    /** The pid {@code /proc/self} links to, or -1. */
    static int procSelfPid(File self) {
        try {
            if (!self.exists()) {
                return -1;
            }
            return Integer.parseInt(self.getCanonicalFile().getName());
        } catch (Exception e) {
            return -1;
        }
    }

    /** The first line of a small file, trimmed, or null. */
    static String firstLine(File f) {
        if (!f.isFile()) {
            return null;
        }
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new FileInputStream(f), "UTF-8"));
            try {
                String line = r.readLine();
                return line == null ? null : line.trim();
            } finally {
                r.close();
            }
        } catch (Exception e) {
            return null;
        }
    }

    private static Object currentProcessHandle() {
        try {
            return Class.forName("java.lang.ProcessHandle").getMethod("current").invoke(null);
        } catch (Exception java8) {
            return null;
        }
    }

    /** A collector address. */
    public static final class HostPort {
        public final String host;
        public final int port;

        public HostPort(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }
}
