package io.sightline.collector;

import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.write.AgentStore;
import io.sightline.storage.write.MapStatsAggregator;
import io.sightline.storage.write.ScatterDensityWriter;
import io.sightline.storage.write.SpanStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC collector: AgentService, SpanService, StatService and CommandService over one
 * HBase connection. {@link #stop} stops accepting, lets in-flight batches finish, then writes
 * the server-map statistics still in memory.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    private final CollectorConfig config;
    private final MapStatsAggregator map;
    private final ScatterDensityWriter density;
    private final CommandHub commands;
    private final CollectorMetrics metrics;
    private final Server server;
    private final ScheduledExecutorService flusher;
    private final SpanStore spanStore;
    private volatile boolean running;

    public Collector(Connection connection, CollectorConfig config, CollectorMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        AgentStore agents = new AgentStore(connection);
        this.map = new MapStatsAggregator(connection);
        this.commands = new CommandHub(agents, config.commandTimeout());
        this.spanStore = new SpanStore(connection);
        this.density = new ScatterDensityWriter(connection);
        SpanIngest ingest = new SpanIngest(spanStore, agents, map, density, metrics, config.maxInflightBatches());
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(config.address(), config.port()))
                .maxInboundMessageSize(config.maxMessageBytes())
                .maxInboundMetadataSize(16 * 1024)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionIdle(1, TimeUnit.HOURS);
        if (config.tls() != null) {
            b.sslContext(serverTls(config.tls()));
        }
        ServerServiceDefinition[] services = {
            invalidProtobufIsInvalidArgument(new AgentLifecycle(agents).bindService()),
            ingest.spanService(),
            invalidProtobufIsInvalidArgument(ingest.statService().bindService()),
            invalidProtobufIsInvalidArgument(commands.bindService()),
        };
        for (ServerServiceDefinition s : services) {
            b.addService(config.token() == null ? s : ServerInterceptors.intercept(s, new TokenInterceptor(config.token(), metrics)));
        }
        // for the other Sightline servers, with the cluster secret rather than the agents' token
        b.addService(LiveRelay.service(commands, LiveRelay.secret(() -> connection)));
        this.server = b.build();
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-map-flush");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds the port and starts the periodic map flush. */
    public synchronized Collector start() throws IOException {
        server.start();
        String advertised = config.advertisedAddress() != null ? config.advertisedAddress()
                : config.address() + ":" + server.getPort();
        commands.advertise(advertised);
        long every = config.flushInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
        running = true;
        LOG.info("Sightline collector listening on {}:{}{}{}", config.address(), server.getPort(),
                config.tls() == null ? "" : " with TLS", config.token() == null ? "" : " (token required)");
        return this;
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext serverTls(CollectorConfig.Tls tls) {
        try (InputStream in = java.nio.file.Files.newInputStream(tls.keyStore())) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(in, tls.password());
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, tls.password());
            return io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.configure(
                    io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(kmf)).build();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot use the TLS key store " + tls.keyStore() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public boolean isRunning() {
        return running;
    }

    public LiveAgents liveAgents() {
        return commands;
    }

    /** How other processes reach this collector, as recorded for agents' command streams (null before start). */
    public String advertisedAddress() {
        return commands.advertisedAddress();
    }

    public CollectorMetrics metrics() {
        return metrics;
    }

    /** Writes the map statistics and scatter density counted so far (also runs every flush interval). */
    public void flush() throws IOException {
        try {
            map.flush();
        } finally {
            density.flush();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (Exception e) {
            LOG.warn("statistics flush failed (kept for the next one): {}", e.toString());
        }
    }

    /**
     * Stops accepting calls, waits for in-flight batches (they are acknowledged only once stored),
     * closes the command streams and writes the remaining map statistics.
     */
    public synchronized void stop(Duration grace) {
        if (!running) {
            return;
        }
        running = false;
        server.shutdown();
        commands.closeAll();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        // never interrupt a periodic flush: an increment interrupted in flight may have been
        // applied, and the final flush would then write its counts a second time
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("a statistics flush is still running after 2 minutes; stopping without waiting for it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spanStore.close(); // writes what is still queued (nothing once the server is terminated)
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                flush();
                break;
            } catch (Exception e) {
                LOG.warn("final statistics flush failed (attempt {}): {}", attempt, e.toString());
            }
        }
        LOG.info("Sightline collector stopped");
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /**
     * gRPC answers a request it cannot parse with UNKNOWN; a client that sends bytes that are not
     * our protobuf deserves INVALID_ARGUMENT. The request marshaller turns a parse failure into a
     * marked empty message, and the handler answers a marked message with INVALID_ARGUMENT.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ServerServiceDefinition invalidProtobufIsInvalidArgument(ServerServiceDefinition def) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(def.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
            MethodDescriptor md = m.getMethodDescriptor();
            MethodDescriptor.Marshaller req = md.getRequestMarshaller();
            if (!(req instanceof MethodDescriptor.PrototypeMarshaller<?> proto)
                    || !(proto.getMessagePrototype() instanceof Message prototype)) {
                b.addMethod((ServerMethodDefinition) m);
                continue;
            }
            Message invalid = prototype.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(INVALID_MARKER_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(INVALID_MARKER).build())
                    .build()).build();
            MethodDescriptor.Marshaller wrapped = new MethodDescriptor.Marshaller() {
                @Override
                public InputStream stream(Object value) {
                    return req.stream(value);
                }

                @Override
                public Object parse(InputStream stream) {
                    try {
                        return req.parse(stream);
                    } catch (RuntimeException e) {
                        return invalid;
                    }
                }
            };
            ServerCallHandler handler = m.getServerCallHandler();
            ServerCallHandler checking = (call, headers) -> {
                ServerCall.Listener delegate = handler.startCall(call, headers);
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener(delegate) {
                    private boolean refused;

                    @Override
                    public void onMessage(Object message) {
                        if (refused) {
                            return;
                        }
                        if (message instanceof Message msg && isMarkedInvalid(msg)) {
                            refused = true;
                            call.close(Status.INVALID_ARGUMENT.withDescription("request is not a valid "
                                    + md.getFullMethodName() + " message"), new Metadata());
                            return;
                        }
                        super.onMessage(message);
                    }

                    @Override
                    public void onHalfClose() {
                        if (!refused) {
                            super.onHalfClose();
                        }
                    }
                };
            };
            b.addMethod(md.toBuilder(wrapped, md.getResponseMarshaller()).build(), checking);
        }
        return b.build();
    }

    private static final int INVALID_MARKER_FIELD = 536_870_911;
    private static final long INVALID_MARKER = 0x5349474854L;

    private static boolean isMarkedInvalid(Message m) {
        UnknownFieldSet u = m.getUnknownFields();
        return u.hasField(INVALID_MARKER_FIELD)
                && u.getField(INVALID_MARKER_FIELD).getVarintList().contains(INVALID_MARKER);
    }
}
