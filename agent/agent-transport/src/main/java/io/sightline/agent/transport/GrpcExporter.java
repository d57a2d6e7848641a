package io.sightline.agent.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.MetadataUtils;
import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.export.AgentIdentity;
import io.sightline.agent.core.export.ExportContext;
import io.sightline.agent.core.export.Exporter;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.core.stats.StatRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.util.Backlog;
import io.sightline.agent.core.util.DaemonThreads;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.StatBatch;
import io.sightline.protocol.v1.StatServiceGrpc;

/**
 * Sends spans and stats to the collector over gRPC, from one daemon thread ("sightline-sender").
 *
 * <p>Application threads only put finished spans into the bounded backlog (they never wake this
 * thread); this thread takes them out every 20 to 100 ms, a few hundred at a time under load
 * ({@link #TICK_SPANS}), and encodes each into the {@link SpanQueue}'s pages, so that what waits
 * for a call is bytes, not the span's objects (which would otherwise live through young
 * collections and be copied). It sends the oldest queued spans
 * when a batch is full ({@code sightline.batch.size} spans or {@link #SEND_BYTES}) or the oldest
 * has waited {@link #LINGER_MILLIS}. Spans leave the queue only when the collector
 * acknowledged them; on failure they are kept and sent again after reconnecting (storage is
 * idempotent per trace id and span id). Backlog and queue together hold at most the backlog's
 * capacity of spans (and the queue at most {@link #MAX_QUEUED_BYTES}); beyond, the oldest are
 * dropped and counted. Reconnection backs off exponentially up to 30 s and walks the
 * comma-separated collector list; every successful connection starts with Register.
 */
public final class GrpcExporter implements Exporter {
    static final long MAX_BACKOFF_MILLIS = 30_000;
    static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long REGISTER_DEADLINE = 5_000;
    private static final long SEND_DEADLINE = 10_000;
    private static final long PING_DEADLINE = 3_000;
    /**
     * How long a partial batch waits for more spans before it is sent: the longest a span takes
     * to reach the collector, and what sets the number of calls below the batch limits. Each call
     * costs the sender, netty's thread and the collector about a millisecond of CPU, whatever its
     * size (measured in bench/agent-overhead: at 100 ms, about 10 calls a second, half of the
     * agent threads' CPU). Waiting spans are bytes in reused pages (not objects young
     * collections copy), so waiting longer costs no GC work.
     */
    static final long LINGER_MILLIS = 1000;
    /**
     * A batch goes as soon as this many bytes wait (about 2,600 spans of 4 rows): under load,
     * calls of a megabyte, at most that much waiting, in pages the queue reuses.
     */
    static final int SEND_BYTES = 1024 * 1024;
    /**
     * The shortest tick of a busy sender, which takes new spans out of the backlog and encodes
     * them: not on every span, which would wake this thread once per request. Under load the tick
     * is as long as it takes about {@link #TICK_SPANS} spans to come, between this and
     * {@link #IDLE_MILLIS}.
     */
    static final long ENCODE_MILLIS = 20;
    /**
     * About how many spans a busy tick takes: few enough that their objects (about 2 KB a span of
     * 4 rows) mostly die before a young collection finds them, and that encoding them (a few
     * hundred microseconds) does not take a core away from the application for long; enough that
     * waking up (about 20 us of kernel time per wake-up on a VM, whatever the call used to sleep)
     * is spread over many spans. With a fixed 20 ms tick, 1,000 requests a second paid a wake-up
     * per 20 spans, about 1 us per span, the biggest item of this thread's profile. A small
     * backlog ({@code sightline.backlog.size} from 100) lowers it to a quarter of its capacity, so
     * that a longer tick never fills the backlog where the 20 ms tick did not.
     */
    static final int TICK_SPANS = 256;
    /**
     * How often a sender that found no new span looks again. Application threads never wake the
     * sender (no signal, no unpark on a request thread): the first span after a quiet spell waits
     * at most this long to be encoded.
     */
    static final long IDLE_MILLIS = 100;
    /** While no collector is there, the backlog is emptied into the queue this often. */
    static final long AWAY_ENCODE_MILLIS = 100;
    /**
     * The most bytes of encoded spans kept (besides the count, the backlog's capacity): 10,000
     * spans of up to 6.7 KB each, so the count binds first unless spans are unusually big.
     */
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    /**
     * A call carries at most this many encoded bytes (collectors accept 16 MB by default): a batch
     * over it is cut, and the spans left over go in the next call.
     */
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
    /** A single span bigger than this would be refused by a collector with default limits: dropped and counted instead. */
    static final int MAX_SPAN_BYTES = 15 * 1024 * 1024;

    private ExportContext context;
    private List<AgentConfig.HostPort> addresses;
    private AgentRef agentRef;
    private SpanBatchWriter writer;
    private final SpanQueue queue = new SpanQueue();
    private final SpanQueue.Batch batch = new SpanQueue.Batch();
    private final List<SpanRecord> drained = new ArrayList<SpanRecord>();
    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private final Object wake = new Object();

    private EventLoopGroup eventLoop;
    private ExecutorService executor;
    private ManagedChannel channel;
    private int addressIndex = -1;
    private boolean registered;
    private long backoff = FIRST_BACKOFF_MILLIS;
    private int failuresInCycle;
    private long lastPing;
    private CommandStream commands;
    private long lastCommandOpen;
    private int batchSize;
    /** {@link #TICK_SPANS}, or a quarter of a small backlog. */
    private int tickSpans;
    /**
     * Read once: the loop runs every {@link #ENCODE_MILLIS} while busy, and each read of a
     * setting looks through system properties, environment and file (5% of this thread's CPU).
     */
    private long pingIntervalMillis;

    /** When the last step took spans out of the backlog ({@link System#nanoTime}). */
    private long lastStepEncode = System.nanoTime();

    /** Counters for tests and the log. */
    volatile long sentSpans;
    volatile long wakeUps;
    volatile long registrations;

    @Override
    public void start(ExportContext ctx) {
        this.context = ctx;
        this.addresses = ctx.config.collectors();
        this.batchSize = ctx.config.batchSize();
        this.tickSpans = tickSpans(ctx.spans.capacity());
        this.pingIntervalMillis = ctx.config.pingIntervalMillis();
        AgentIdentity id = ctx.identity;
        this.agentRef = AgentRef.newBuilder().setAgentId(id.agentId).setApplicationName(id.applicationName)
                .setAgentStartTime(id.startTime).build();
        this.writer = new SpanBatchWriter(new MetadataTracker(50_000));
        this.commands = new CommandStream(ctx.transactions, agentRef);
        thread = DaemonThreads.newThread("sightline-sender", new Runnable() {
            @Override
            public void run() {
                loop();
            }
        });
        thread.start();
    }

    private void loop() {
        try {
            JulBridge.install();
            eventLoop = new NioEventLoopGroup(1, DaemonThreads.factory("sightline-grpc-io"));
            executor = Executors.newCachedThreadPool(DaemonThreads.factory("sightline-grpc"));
            // test hook (never set in production): the sender fails every other step and must recover
            boolean failSteps = Boolean.getBoolean("sightline.test.failHelpers");
            int steps = 0;
            while (!stopping) {
                try {
                    if (failSteps && steps++ % 2 == 0) {
                        throw new IllegalStateException("sightline.test.failHelpers: sender step");
                    }
                    step();
                } catch (InterruptedException e) {
                    if (stopping) {
                        break;
                    }
                } catch (Throwable t) {
                    AgentLog.warn("sender step failed", t);
                    disconnect();
                    pause(backoffAndAdvance());
                }
            }
            farewell();
        } catch (Throwable t) {
            AgentLog.error("sender stopped", t);
        } finally {
            closeChannel();
            if (eventLoop != null) {
                eventLoop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            }
            if (executor != null) {
                executor.shutdownNow();
            }
            stopped = true;
        }
    }

    /** One round: encode new spans, connect if needed, send a batch, stats and a ping when due, or wait. */
    private void step() throws InterruptedException {
        long encodeAt = System.nanoTime();
        int taken = encodeNew();
        long sinceLast = encodeAt - lastStepEncode;
        lastStepEncode = encodeAt;
        if (!registered) {
            if (!connect()) {
                pause(backoffAndAdvance());
                return;
            }
        }
        long started = System.currentTimeMillis();
        if (!commands.isOpen() && started - lastCommandOpen >= 5000) {
            lastCommandOpen = started;
            commands.open(channel);
        }
        boolean worked = false;
        if (batchDue()) {
            if (!sendSpans()) {
                return;
            }
            worked = true;
        }
        if (context.stats.size() > 0) {
            if (!sendStats()) {
                return;
            }
            worked = true;
        }
        long now = System.currentTimeMillis();
        if (now - lastPing >= pingIntervalMillis) {
            if (!ping()) {
                return;
            }
        }
        if (!worked) {
            // spans coming in: a tick sized to their rate; none: a slower one; either no later
            // than the oldest queued span is due
            long wait = taken > 0 ? busyTickMillis(taken, sinceLast, tickSpans) : IDLE_MILLIS;
            if (queue.size() > 0) {
                long due = LINGER_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queue.oldestQueuedAt());
                wait = Math.max(1, Math.min(wait, due));
            } else if (taken == 0) {
                queue.trimSpare(); // quiet: the pages kept for the next busy spell go
            }
            sleep(wait);
        }
    }

    /**
     * The wait after a step that took {@code taken} spans, {@code sinceLastNanos} after the one
     * before: the time about {@code tickSpans} more take at that rate, within
     * [{@link #ENCODE_MILLIS}, {@link #IDLE_MILLIS}].
     */
    static long busyTickMillis(int taken, long sinceLastNanos, int tickSpans) {
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, sinceLastNanos)) * tickSpans / Math.max(1, taken);
        return Math.max(ENCODE_MILLIS, Math.min(IDLE_MILLIS, millis));
    }

    /** The spans a busy tick aims at for a backlog of {@code capacity}. */
    static int tickSpans(int capacity) {
        return Math.max(1, Math.min(TICK_SPANS, capacity / 4));
    }

    /**
     * A batch goes when it is full, when the oldest span has waited long enough for company
     * (under load one call carries hundreds of spans instead of a few: each call costs both sides
     * a round trip and framing), or when it is a resend.
     */
    private boolean batchDue() {
        int n = queue.size();
        return n > 0 && (n >= batchSize || queue.bytes() >= SEND_BYTES || queue.attempted() > 0 || stopping
                || System.nanoTime() - queue.oldestQueuedAt() >= TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
    }

    /**
     * Moves the spans waiting in the backlog into the queue, encoded, and keeps backlog and
     * queue within their bounds by dropping the oldest (counted with the backlog's drops). At most
     * one backlog's worth per call, so that a flood cannot keep this thread here. Returns how many
     * spans it took.
     */
    private int encodeNew() {
        Backlog<SpanRecord> backlog = context.spans;
        int budget = backlog.capacity();
        int taken = 0;
        long now = System.nanoTime();
        while (budget > 0 && backlog.drainTo(drained, Math.min(budget, 256)) > 0) {
            budget -= drained.size();
            taken += drained.size();
            for (int i = 0; i < drained.size(); i++) {
                SpanRecord s = drained.get(i);
                drained.set(i, null);
                try {
                    int size = writer.encode(agentRef, s, queue, now, MAX_SPAN_BYTES);
                    if (size < 0) {
                        AgentLog.warn("a span encoded to " + -size + " bytes is too big to send; dropped");
                        backlog.countDropped(1);
                    }
                } catch (RuntimeException e) {
                    AgentLog.warn("a span could not be encoded; dropped", e);
                    backlog.countDropped(1);
                }
            }
            drained.clear();
        }
        while (queue.size() > 0 && (queue.size() + backlog.size() > backlog.capacity() || queue.bytes() > MAX_QUEUED_BYTES)) {
            queue.dropOldest();
            backlog.countDropped(1);
        }
        return taken;
    }

    /** Waits {@code millis} (a backoff), still emptying the backlog into the queue meanwhile. */
    private void pause(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left = millis;
        while (left > 0 && !stopping) {
            encodeNew();
            sleep(Math.min(left, AWAY_ENCODE_MILLIS));
            left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        }
    }

    private boolean connect() {
        if (channel == null) {
            addressIndex = (addressIndex + 1) % addresses.size();
            channel = newChannel(addresses.get(addressIndex));
        }
        AgentConfig.HostPort address = addresses.get(addressIndex);
        try {
            AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(REGISTER_DEADLINE, TimeUnit.MILLISECONDS)
                    .register(agentInfo());
            registered = true;
            registrations++;
            lastCommandOpen = 0;
            backoff = FIRST_BACKOFF_MILLIS;
            failuresInCycle = 0;
            lastPing = System.currentTimeMillis();
            AgentLog.info("registered with collector " + address);
            return true;
        } catch (StatusRuntimeException e) {
            AgentLog.info("collector " + address + " unavailable: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()));
            closeChannel(); // the next attempt goes to the next address
            return false;
        }
    }

    private boolean tryConnect() {
        try {
            return connect();
        } catch (RuntimeException e) {
            AgentLog.info("collector unavailable at exit: " + e);
            return false;
        }
    }

    /** The pause before the next attempt: none while other addresses are untried, else exponential. */
    private long backoffAndAdvance() {
        failuresInCycle++;
        if (failuresInCycle < addresses.size()) {
            return 0;
        }
        failuresInCycle = 0;
        long wait = backoff;
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        return wait;
    }

    private boolean sendSpans() {
        // what arrived while this thread was busy (a connect, the previous call) is encoded and
        // the bounds applied before choosing what to send: the newest within capacity go
        encodeNew();
        if (queue.size() == 0) {
            return true;
        }
        queue.prepare(batch, batchSize, MAX_BATCH_BYTES);
        writer.frame(agentRef, batch, context.spans.dropped());
        int n = batch.spans;
        queue.sent(n); // whatever happens to this call, the collector may have stored it
        try {
            BatchAck ack = EncodedBatch.send(channel, batch,
                    CallOptions.DEFAULT.withDeadlineAfter(SEND_DEADLINE, TimeUnit.MILLISECONDS));
            writer.acknowledged(batch);
            if (ack.getRejected() > 0) {
                AgentLog.warn("collector refused " + ack.getRejected() + " of " + n + " spans: " + ack.getMessage());
            }
            sentSpans += n;
            queue.removeFirst(n);
            return true;
        } catch (StatusRuntimeException e) {
            failed("span batch", e);
            return false;
        } finally {
            batch.clear();
        }
    }

    private boolean sendStats() {
        List<StatRecord> records = new ArrayList<StatRecord>();
        context.stats.drainTo(records, 100);
        StatBatch.Builder b = StatBatch.newBuilder().setAgent(agentRef);
        for (StatRecord r : records) {
            b.addStats(SpanEncoder.stat(r));
        }
        try {
            StatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(SEND_DEADLINE, TimeUnit.MILLISECONDS).send(b.build());
            return true;
        } catch (StatusRuntimeException e) {
            for (StatRecord r : records) {
                context.stats.offer(r); // keep them for the next connection (bounded, oldest dropped)
            }
            failed("stats", e);
            return false;
        }
    }

    private boolean ping() {
        try {
            AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(PING_DEADLINE, TimeUnit.MILLISECONDS).ping(agentRef);
            lastPing = System.currentTimeMillis();
            return true;
        } catch (StatusRuntimeException e) {
            failed("ping", e);
            return false;
        }
    }

    private void failed(String what, StatusRuntimeException e) {
        AgentLog.info("sending " + what + " to " + addresses.get(addressIndex) + " failed: " + e.getStatus().getCode()
                + "; reconnecting");
        disconnect();
    }

    private void disconnect() {
        registered = false;
        commands.close();
        closeChannel();
    }

    /** Last words at JVM exit: what is left in the backlog, then Shutdown, within the deadline. */
    private void farewell() {
        if (!registered) {
            // the JVM is exiting before the first registration: its first requests' spans are
            // still here (the transport starts only at the first span); one attempt to deliver them
            encodeNew();
            if (queue.size() == 0 || !tryConnect()) {
                return;
            }
        }
        try {
            for (int i = 0; i < 20 && registered; i++) {
                if (!sendSpans() || queue.size() == 0) {
                    break;
                }
            }
            if (registered && context.stats.size() > 0) {
                sendStats();
            }
            commands.close();
            if (registered) {
                AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1000, TimeUnit.MILLISECONDS).shutdown(agentRef);
                AgentLog.info("said goodbye to the collector");
            }
        } catch (RuntimeException e) {
            AgentLog.info("goodbye failed: " + e);
        }
    }

    private AgentInfo agentInfo() {
        AgentIdentity id = context.identity;
        AgentInfo.Builder b = AgentInfo.newBuilder()
                .setAgentId(id.agentId)
                .setApplicationName(id.applicationName)
                .setServiceType(id.serviceType)
                .setHostname(id.hostname)
                .setIp(id.ip)
                .setPid(id.pid)
                .setStartTime(id.startTime)
                .setJvmVersion(id.jvmVersion)
                .setAgentVersion(id.agentVersion)
                .setProtocolVersion(Protocol.PROTOCOL_VERSION)
                .addAllPlugins(id.plugins);
        for (Map.Entry<String, String> e : id.properties.entrySet()) {
            b.putProperties(e.getKey(), e.getValue());
        }
        return b.build();
    }

    private ManagedChannel newChannel(AgentConfig.HostPort address) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(address.host, address.port)
                .usePlaintext()
                .eventLoopGroup(eventLoop)
                .channelType(NioSocketChannel.class)
                .executor(executor)
                .offloadExecutor(executor)
                .userAgent("sightline-agent")
                .maxInboundMessageSize(4 * 1024 * 1024);
        String token = context.config.token();
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of(Protocol.TOKEN_HEADER, Metadata.ASCII_STRING_MARSHALLER), token);
            b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return b.build();
    }

    private void closeChannel() {
        ManagedChannel c = channel;
        channel = null;
        if (c != null) {
            c.shutdownNow();
        }
    }

    private void sleep(long millis) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        synchronized (wake) {
            if (!stopping) {
                wakeUps++; // this thread only writes it
                wake.wait(millis);
            }
        }
    }

    @Override
    public void shutdown(long timeoutMillis) {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread t = thread;
        if (t != null) {
            // no interrupt: it would cancel the batch in flight; the loop waits at most 200 ms
            try {
                t.join(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isStopped() {
        return stopped;
    }
}
