package io.sightline.bench.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The measured application (args: port, downstream URL). GET /work?id=N runs an H2 query with a
 * bind on the request thread, a second one on an executor thread, and one outgoing HTTP call
 * (HttpURLConnection) to the downstream server. GET /stats reports the bytes allocated so far by
 * the request threads (Tomcat's and the executor's) and by every live thread, and, with gc=1,
 * the heap used after a full GC, then the CPU figures of {@link #cpu()}; the load generator reads
 * it before and after the measured part.
 */
public final class BenchApp {
    private BenchApp() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String downstream = args[1];
        Connection setup = DriverManager.getConnection("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        try (Statement s = setup.createStatement()) {
            s.execute("create table items(id int primary key, name varchar(50))");
            for (int i = 0; i < 100; i++) {
                s.execute("insert into items values (" + i + ", 'item" + i + "')");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-worker");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<Connection> conn = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection("jdbc:h2:mem:bench");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/sightline-bench-" + ProcessHandle.current().pid());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "work", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    int id = Integer.parseInt(req.getParameter("id"));
                    String a = query(conn.get(), id);
                    String b = pool.submit(() -> query(conn.get(), (id + 1) % 100)).get();
                    String c = call(downstream + "?id=" + id);
                    resp.getWriter().print(a + "," + b + "," + c);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        ctx.addServletMappingDecoded("/work", "work");
        Tomcat.addServlet(ctx, "stats", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getParameter("service") != null) {
                    resp.getWriter().print(ServiceTimer.take());
                    return;
                }
                if (req.getParameter("self") != null) {
                    resp.getWriter().print(selfTiming());
                    return;
                }
                String jfr = req.getParameter("jfr");
                if (jfr != null) {
                    resp.getWriter().print(profile(jfr));
                    return;
                }
                long[] cpu = cpu(); // before the full GCs below, which are not the requests'
                long[] alloc = allocated();
                long heap = -1;
                if ("1".equals(req.getParameter("gc"))) {
                    System.gc();
                    System.gc();
                    heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                }
                resp.getWriter().print(alloc[0] + " " + alloc[1] + " " + heap + " " + cpu[0] + " " + cpu[1] + " " + cpu[2]
                        + " " + cpu[3] + " " + cpu[4] + " " + cpu[5] + " " + cpu[6]);
            }
        });
        ctx.addServletMappingDecoded("/stats", "stats");
        tomcat.getEngine().getPipeline().addValve(new ServiceTimer());
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /**
     * Service time: from the engine's pipeline in to the response committed out of it, around
     * everything the agent does at the server entry, in the servlet and in its calls, but none
     * of the load generator's, the network's or the downstream server's own time. The machine's
     * pauses (a few milliseconds, a few times a second on this kind of VM, even for a JDK
     * HttpServer answering "ok") hit a request only while it is in here. /stats is not timed.
     * {@link #take} answers the percentiles since the last take and starts afresh.
     */
    static final class ServiceTimer extends ValveBase {
        private static final long[] NANOS = new long[1 << 20];
        private static final java.util.concurrent.atomic.AtomicInteger COUNT = new java.util.concurrent.atomic.AtomicInteger();

        ServiceTimer() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
            long t0 = System.nanoTime();
            try {
                getNext().invoke(request, response);
            } finally {
                long took = System.nanoTime() - t0;
                if (!request.getRequestURI().startsWith("/stats")) {
                    int i = COUNT.getAndIncrement();
                    if (i < NANOS.length) {
                        NANOS[i] = took;
                    }
                }
            }
        }

        /** "count p50 p90 p99 p99.9 max" (us, one decimal) of the requests timed since the last take. */
        static synchronized String take() {
            int n = Math.min(COUNT.getAndSet(0), NANOS.length);
            if (n == 0) {
                return "0 0 0 0 0 0";
            }
            long[] v = java.util.Arrays.copyOf(NANOS, n);
            java.util.Arrays.sort(v);
            return String.format(java.util.Locale.ROOT, "%d %.1f %.1f %.1f %.1f %.1f", n, v[n / 2] / 1e3, v[n * 90 / 100] / 1e3,
                    v[n * 99 / 100] / 1e3, v[(int) (n * 999L / 1000)] / 1e3, v[n - 1] / 1e3);
        }
    }

    /**
     * The agent's own time per request since the last call, when it runs with
     * -Dsightline.test.selfTiming=true (its SelfTimingHandler, read through JMX); else "off".
     */
    static String selfTiming() {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName("io.sightline.agent:type=SelfTiming");
            return server.isRegistered(name) ? String.valueOf(server.invoke(name, "take", null, null)) : "off";
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    /** The recording of the measured part, when -Dbench.jfr=file asks for one. */
    private static jdk.jfr.Recording recording;
    private static Process perfStat;

    /**
     * A profile of the measured part only: the load generator asks for "start" before its first
     * measured slice and "stop" after its last, so start-up, warm-up and the settle phase stay
     * out of it. With -Dbench.jfr=file, a JFR recording ("profile" settings); with
     * -Dbench.asprof=asprof,file, async-profiler's CPU samples of every thread (1 ms), written as
     * collapsed stacks (async-profiler is not part of the build: point at an asprof binary);
     * -Dbench.asprof=asprof,file,event,interval samples another event, such as a kernel tracepoint.
     * With -Dbench.perf=file,events, {@code perf stat --per-thread -e events} counts over the same
     * part (system calls, context switches per thread), written to file when it is stopped.
     */
    static synchronized String profile(String action) {
        String jfr = System.getProperty("bench.jfr", "");
        String asprof = System.getProperty("bench.asprof", "");
        StringBuilder done = new StringBuilder();
        try {
            if (!jfr.isEmpty() && action.equals("start") && recording == null) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
                done.append("jfr started ");
            } else if (!jfr.isEmpty() && action.equals("stop") && recording != null) {
                recording.stop();
                recording.dump(java.nio.file.Path.of(jfr));
                recording.close();
                recording = null;
                done.append("jfr written ");
            }
            String perf = System.getProperty("bench.perf", "");
            if (!perf.isEmpty() && action.equals("start") && perfStat == null) {
                String pid = String.valueOf(ProcessHandle.current().pid());
                String[] fileAndEvents = perf.split(",", 2);
                perfStat = new ProcessBuilder("perf", "stat", "--per-thread", "-e", fileAndEvents[1], "-p", pid,
                        "-o", fileAndEvents[0]).inheritIO().start();
                done.append("perf started ");
            } else if (!perf.isEmpty() && action.equals("stop") && perfStat != null) {
                new ProcessBuilder("kill", "-INT", String.valueOf(perfStat.pid())).start().waitFor();
                done.append("perf ").append(perfStat.waitFor());
                perfStat = null;
            }
            if (!asprof.isEmpty() && (action.equals("start") || action.equals("stop"))) {
                String[] a = asprof.split(",");
                String pid = String.valueOf(ProcessHandle.current().pid());
                // optional third and fourth items: the event and its interval (e.g. the kernel
                // tracepoint raw_syscalls:sys_enter,1 counts every system call, with its stack)
                String event = a.length > 2 ? a[2] : "cpu";
                String interval = a.length > 3 ? a[3] : "1ms";
                ProcessBuilder pb = action.equals("start")
                        ? new ProcessBuilder(a[0], "start", "-e", event, "-i", interval, "-t", pid)
                        : new ProcessBuilder(a[0], "stop", "-o", "collapsed", "-f", a[1], pid);
                done.append("asprof ").append(pb.inheritIO().start().waitFor());
            }
        } catch (Exception e) {
            done.append("failed ").append(e);
        }
        return done.length() == 0 ? "off" : done.toString();
    }

    /** {bytes allocated by request threads, bytes allocated by all live threads}. */
    static long[] allocated() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long request = 0;
        long all = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long bytes = mx.getThreadAllocatedBytes(t.getId());
            if (bytes <= 0) {
                continue;
            }
            all += bytes;
            String name = t.getName();
            if (name.startsWith("http-nio-") && name.contains("-exec-") || name.equals("bench-worker")) {
                request += bytes;
            }
        }
        return new long[] {request, all};
    }

    /**
     * Where the CPU goes, so far: {process CPU ns, CPU ns of the request threads, CPU ns of the
     * agent threads ("sightline-*"), JIT compilation ms, GC collections, GC ms, user-mode CPU ns of
     * the request threads}. Process CPU
     * counts everything, the JIT's and GC's native threads included. A thread's CPU can only be
     * read while it lives, and pooled agent threads (gRPC's cached executor) end after a minute
     * idle: each thread's last reading is kept, so a thread that has ended still counts with what
     * it used (it was idle for its last minute, so that reading is its total when this is called
     * at least once a minute, as the load generator does around every slice).
     */
    static synchronized long[] cpu() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.getId());
            if (ns <= 0) {
                continue;
            }
            String name = t.getName();
            if (name.startsWith("http-nio-") && name.contains("-exec-") || name.equals("bench-worker")) {
                REQUEST_CPU.put(t.getId(), ns);
                long user = mx.getThreadUserTime(t.getId());
                if (user >= 0) {
                    REQUEST_USER.put(t.getId(), user);
                }
            } else if (name.startsWith("sightline-")) {
                AGENT_CPU.put(t.getId(), ns);
            }
        }
        long request = 0;
        for (long ns : REQUEST_CPU.values()) {
            request += ns;
        }
        long requestUser = 0;
        for (long ns : REQUEST_USER.values()) {
            requestUser += ns;
        }
        long agent = 0;
        for (long ns : AGENT_CPU.values()) {
            agent += ns;
        }
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        long gcCount = 0;
        long gcMillis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {process, request, agent, jitMillis, gcCount, gcMillis, requestUser};
    }

    /** Last CPU reading (ns) per thread id, ended threads included (see {@link #cpu()}). */
    private static final java.util.Map<Long, Long> REQUEST_CPU = new java.util.HashMap<>();
    private static final java.util.Map<Long, Long> AGENT_CPU = new java.util.HashMap<>();
    /** The same for the request threads' user-mode CPU (ns). */
    private static final java.util.Map<Long, Long> REQUEST_USER = new java.util.HashMap<>();

    static String call(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes());
        }
    }

    static String query(Connection c, int id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select name from items where id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
