package io.sightline.agent.core;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sightline.agent.bridge.Bridge;
import io.sightline.agent.bridge.BridgeHandler;
import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.export.AgentIdentity;
import io.sightline.agent.core.export.ExportContext;
import io.sightline.agent.core.export.Exporter;
import io.sightline.agent.core.instrument.Instrumenter;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.core.stats.JvmStatsSampler;
import io.sightline.agent.core.stats.StatRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.Tracer;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;
import io.sightline.agent.core.util.DaemonThreads;
import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.protocol.ServiceTypes;

/**
 * Starts the agent inside the application's JVM: configuration, log, tracer, plugins, JVM
 * stats and the exporter. Called by the bootstrap's premain through reflection, from the
 * agent's own class loader.
 */
public final class AgentStarter {
    public static final String VERSION = versionOf();

    private static volatile Agent agent;

    private AgentStarter() {
    }

    /** The running agent, or null when inactive. */
    public static Agent agent() {
        return agent;
    }

    public static void start(Instrumentation inst, File agentJar, String args) {
        long t0 = System.nanoTime();
        quietThirdParty();
        AgentConfig config = AgentConfig.fromEnvironment();
        String agentId = config.agentId();
        File logFile = AgentLog.init(config.logDir(), agentId, config.logLevel(), config.logMaxFileKb() * 1024L,
                config.logFiles());
        String java = System.getProperty("sightline.test.javaVersion", System.getProperty("java.specification.version"));
        String unsupported = JavaSupport.problem(java, JavaSupport.newest());
        if (unsupported != null) {
            String line = "[sightline] " + unsupported + ": the agent stays inactive";
            System.err.println(line);
            AgentLog.warn(line);
            return;
        }
        String app = config.applicationName();
        if (app == null) {
            String line = "[sightline] " + AgentConfig.APPLICATION_NAME + " (or SIGHTLINE_APPLICATION_NAME) is not set: the agent stays inactive";
            System.err.println(line);
            AgentLog.warn(line);
            return;
        }
        AgentLog.info("Sightline agent " + VERSION + " starting: application=" + app + " agentId=" + agentId
                + " collector=" + config.collectors() + " sampling=1/" + config.samplingRate()
                + " token=" + (config.token() == null ? "unset" : "set") + " java=" + System.getProperty("java.version"));
        for (String problem : config.problems()) {
            AgentLog.warn("configuration: " + problem);
        }
        try {
            agent = new Agent(inst, config, agentId, app, agentJar);
            agent.start();
            AgentLog.info("agent started in " + (System.nanoTime() - t0) / 1000000 + " ms ("
                    + Instrumenter.transformedTypes() + " types instrumented in "
                    + Instrumenter.transformNanos() / 1000000 + " ms); log " + logFile);
        } catch (Throwable t) {
            Bridge.install(null);
            AgentLog.error("agent failed to start; the application runs without it", t);
            System.err.println("[sightline] agent failed to start: " + t);
        }
    }

    /**
     * Our relocated ByteBuddy and netty read their switches from relocated property names, so
     * setting these touches nothing of the application's: ByteBuddy must not use sun.misc.Unsafe
     * (Java 24+ prints a warning for it), netty must not try native transports (Java 24+ warns
     * about System.loadLibrary; the agent only needs NIO).
     */
    static void quietThirdParty() {
        // written unrelocated on purpose: the shade step rewrites these literals exactly as it
        // rewrites the ones inside ByteBuddy and netty
        setIfAbsent("net.bytebuddy.safe", "true");
        setIfAbsent("io.grpc.netty.shaded.io.netty.transport.noNative", "true");
        // one sender thread with one batch in flight needs no pooled arenas (they kept about
        // 15 MB of the application's heap); plain heap buffers, freed with the batch
        setIfAbsent("io.grpc.netty.useCustomAllocator", "false");
        setIfAbsent("io.grpc.netty.shaded.io.netty.allocator.type", "unpooled");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The parts of a running agent. */
    public static final class Agent {
        public final AgentConfig config;
        public final Tracer tracer;
        public final Backlog<SpanRecord> spans;
        public final Backlog<StatRecord> stats = new Backlog<StatRecord>(120);
        public final TransactionStats transactions = new TransactionStats();
        private final Instrumentation inst;
        private final String agentId;
        private final String app;
        private Exporter exporter;
        private ScheduledExecutorService statsThread;
        private Thread starter;
        private volatile boolean startNow;

        Agent(Instrumentation inst, AgentConfig config, String agentId, String app, File agentJar) {
            this.inst = inst;
            this.config = config;
            this.agentId = agentId;
            this.app = app;
            this.spans = new Backlog<SpanRecord>(config.backlogSize());
            Tracer.Settings s = new Tracer.Settings();
            s.applicationName = app;
            s.serviceType = ServiceTypes.TOMCAT;
            s.samplingRate = config.samplingRate();
            s.samplingMaxPerSecond = config.samplingMaxPerSecond();
            s.bindValues = config.jdbcBindValues();
            s.maxSqlLength = config.jdbcMaxSqlLength();
            s.maxBindValueLength = config.jdbcMaxBindValueLength();
            s.maxEvents = config.spanMaxEvents();
            s.clientIpHeader = config.clientIpHeader();
            this.tracer = new Tracer(s, spans, transactions);
        }

        void start() {
            ClassLoader agentLoader = AgentStarter.class.getClassLoader();
            BridgeHandler handler = tracer;
            if (Boolean.getBoolean("sightline.test.failHelpers")) {
                handler = new FailingHandler(tracer);
            } else if (Boolean.getBoolean("sightline.test.selfTiming")) {
                handler = SelfTimingHandler.registered(tracer);
            }
            Bridge.install(handler);
            List<InstrumentationPlugin> plugins = Instrumenter.findPlugins(agentLoader);
            final List<String> installed = Instrumenter.install(inst, agentLoader, config, plugins);
            AgentLog.info("plugins: " + installed);
            // everything else (the host's identity, gRPC/netty/protobuf class loading, the stats
            // sampler and its JMX beans) happens on a daemon thread, so premain returns once the
            // advice is in place and the application starts while the transport gets ready; spans
            // of the first requests wait in the backlog
            starter = DaemonThreads.newThread("sightline-starter", new Runnable() {
                @Override
                public void run() {
                    try {
                        awaitSomethingToSend();
                        startTransport(installed);
                    } catch (Throwable t) {
                        AgentLog.error("transport failed to start; spans are not sent", t);
                    }
                }
            });
            starter.start();
            Runtime.getRuntime().addShutdownHook(DaemonThreads.newThread("sightline-shutdown", new Runnable() {
                @Override
                public void run() {
                    shutdown();
                }
            }));
        }

        /**
         * The transport (about 1,400 classes of gRPC, netty and protobuf, and the JIT work they
         * bring) starts once there is a span to send, at JVM exit, or {@code sightline.transport.startDelayMillis}
         * after premain, whichever comes first: on a small machine it no longer competes with the
         * application's own start for the CPU. Spans wait in the backlog meanwhile.
         */
        private void awaitSomethingToSend() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.transportStartDelayMillis());
            try {
                while (!startNow && System.nanoTime() - deadline < 0) {
                    if (spans.awaitNotEmpty(50, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread; start at once
            }
        }

        private void startTransport(List<String> installed) {
            ClassLoader agentLoader = AgentStarter.class.getClassLoader();
            AgentIdentity identity = identity(installed);
            Exporter e = loadExporter(agentLoader);
            if (e != null) {
                e.start(new ExportContext(config, identity, spans, stats, transactions));
            } else {
                AgentLog.warn("no exporter in the agent jar: nothing will be sent");
            }
            synchronized (this) {
                exporter = e;
            }
            if (startNow) {
                // started by the JVM's exit: no stats interval will come; the JMX beans and the
                // stats thread would only delay the goodbye
                return;
            }
            final JvmStatsSampler sampler = new JvmStatsSampler(transactions, spans, tracer.pools());
            ScheduledExecutorService st = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("sightline-stats"));
            int interval = config.statsIntervalMillis();
            st.scheduleAtFixedRate(new Runnable() {
                @Override
                public void run() {
                    try {
                        stats.offer(sampler.sample());
                    } catch (Throwable t) {
                        AgentLog.warn("stats sample failed", t);
                    }
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
            synchronized (this) {
                statsThread = st;
            }
        }

        void shutdown() {
            startNow = true;
            AgentLog.info("JVM exit: flushing and saying goodbye (" + Instrumenter.transformedTypes()
                    + " types instrumented in " + Instrumenter.transformNanos() / 1000000 + " ms in all)");
            Thread starting = starter;
            if (starting != null) {
                try {
                    starting.join(2000); // a JVM that exits at once still registers and sends what it has
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Exporter exporter;
            ScheduledExecutorService statsThread;
            synchronized (this) {
                exporter = this.exporter;
                statsThread = this.statsThread;
            }
            if (statsThread != null) {
                statsThread.shutdownNow();
            }
            if (exporter != null) {
                try {
                    exporter.shutdown(3000);
                } catch (Throwable t) {
                    AgentLog.warn("exporter shutdown failed", t);
                }
            }
        }

        private AgentIdentity identity(List<String> plugins) {
            String host = AgentConfig.hostname();
            String ip = "";
            try {
                ip = InetAddress.getLocalHost().getHostAddress();
            } catch (Exception e) {
                ip = "127.0.0.1";
            }
            Map<String, String> props = new LinkedHashMap<String, String>();
            for (String key : new String[] {"os.name", "os.arch", "java.vendor", "java.vm.name", "java.runtime.version"}) {
                String v = System.getProperty(key);
                if (v != null) {
                    props.put(key, v);
                }
            }
            long start = AgentConfig.jvmStartTime();
            return new AgentIdentity(agentId, app, ServiceTypes.TOMCAT, host, ip, AgentConfig.pid(), start,
                    System.getProperty("java.version"), VERSION, new ArrayList<String>(plugins), props);
        }

        private static Exporter loadExporter(ClassLoader loader) {
            Iterator<Exporter> it = ServiceLoader.load(Exporter.class, loader).iterator();
            return it.hasNext() ? it.next() : null;
        }
    }

    private static String versionOf() {
        Package p = AgentStarter.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}
