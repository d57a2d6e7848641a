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
 * <p>Application threads only put finished spans into the bounded backlog; this thread takes
 * batches from it, converts them to protobuf and sends them. A batch leaves memory only when the
 * collector acknowledged it; on failure it is kept and sent again after reconnecting (storage is
 * idempotent per trace id and span id). Reconnection backs off exponentially up to 30 s and
 * walks the comma-separated collector list; every successful connection starts with Register.
 */
public final class GrpcExporter implements Exporter {
    static final long MAX_BACKOFF_MILLIS = 30_000;
    static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long REGISTER_DEADLINE = 5_000;
    private static final long SEND_DEADLINE = 10_000;
    private static final long PING_DEADLINE = 3_000;
    /**
     * How long a partial batch waits for more spans before it is sent. Longer would make fuller
     * calls but keeps more spans alive across young GCs (measured: bigger pauses at 200 ms); the
     * batch size (1000) rather lets batches grow with the rate of requests.
     */
    static final long LINGER_MILLIS = 100;
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
    private final SpanBatchWriter.Batch encoded = new SpanBatchWriter.Batch();
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
    private List<SpanRecord> inflight = new ArrayList<SpanRecord>();
    /**
     * Whether the spans in {@link #inflight} were already sent once (to any collector): from then
     * on, until they are acknowledged, they go as a possible resend, which the collector checks
     * against storage; only a batch's first attempt is flagged as such and skips that check.
     */
    private boolean inflightAttempted;
    private CommandStream commands;
    private long lastCommandOpen;
    private int batchSize;

    /** Counters for tests and the log. */
    volatile long sentSpans;
    volatile long registrations;

    @Override
    public void start(ExportContext ctx) {
        this.context = ctx;
        this.addresses = ctx.config.collectors();
        this.batchSize = ctx.config.batchSize();
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
                    sleep(backoffAndAdvance());
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

    /** One round: connect if needed, send a batch, stats and a ping when due, or wait. */
    private void step() throws InterruptedException {
        if (!registered) {
            if (!connect()) {
                sleep(backoffAndAdvance());
                return;
            }
        }
        long started = System.currentTimeMillis();
        if (!commands.isOpen() && started - lastCommandOpen >= 5000) {
            lastCommandOpen = started;
            commands.open(channel);
        }
        boolean worked = false;
        if (inflight.isEmpty()) {
            context.spans.drainTo(inflight, batchSize);
            if (!inflight.isEmpty() && inflight.size() < batchSize) {
                // a partial batch waits a little for company: under load one call carries tens of
                // spans instead of a few (each call costs both sides a round trip and framing)
                sleep(LINGER_MILLIS);
                context.spans.drainTo(inflight, batchSize - inflight.size());
            }
        }
        if (!inflight.isEmpty()) {
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
        if (now - lastPing >= context.config.pingIntervalMillis()) {
            if (!ping()) {
                return;
            }
        }
        if (!worked) {
            context.spans.awaitNotEmpty(200, TimeUnit.MILLISECONDS);
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
        // encoded again for every attempt: metadata acknowledged meanwhile is left out
        boolean firstAttempt = !inflightAttempted;
        List<SpanRecord> batch = inflight;
        writer.write(agentRef, batch, context.spans.dropped(), firstAttempt, encoded);
        while (encoded.length > MAX_BATCH_BYTES && batch.size() > 1) {
            batch = batch.subList(0, batch.size() / 2); // the rest stays in inflight for the next call
            writer.write(agentRef, batch, context.spans.dropped(), firstAttempt, encoded);
        }
        if (encoded.length > MAX_SPAN_BYTES) {
            AgentLog.warn("a span encoded to " + encoded.length + " bytes is too big to send; dropped");
            context.spans.countDropped(batch.size());
            sent(batch);
            return true;
        }
        inflightAttempted = true; // whatever happens to this call, the collector may have stored it
        try {
            BatchAck ack = EncodedBatch.send(channel, encoded,
                    CallOptions.DEFAULT.withDeadlineAfter(SEND_DEADLINE, TimeUnit.MILLISECONDS));
            writer.acknowledged(encoded.metadata);
            if (ack.getRejected() > 0) {
                AgentLog.warn("collector refused " + ack.getRejected() + " of " + batch.size() + " spans: " + ack.getMessage());
            }
            sentSpans += batch.size();
            sent(batch);
            return true;
        } catch (StatusRuntimeException e) {
            failed("span batch", e);
            return false;
        }
    }

    /**
     * Takes a batch (all of inflight or its head) off inflight. Spans left over from a cut batch
     * keep the attempted mark when the call went out: they may have been in an earlier attempt.
     */
    private void sent(List<SpanRecord> batch) {
        batch.clear();
        if (inflight.isEmpty()) {
            inflightAttempted = false;
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
            return;
        }
        try {
            for (int i = 0; i < 20 && registered; i++) {
                if (inflight.isEmpty()) {
                    context.spans.drainTo(inflight, batchSize);
                }
                if (inflight.isEmpty() || !sendSpans()) {
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
