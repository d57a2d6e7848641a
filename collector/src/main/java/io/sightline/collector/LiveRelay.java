package io.sightline.collector;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.v1.LiveAnswer;
import io.sightline.protocol.v1.LiveQuery;
import io.sightline.protocol.v1.LiveServiceGrpc;
import io.sightline.storage.ClusterSecret;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.write.AgentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hadoop.hbase.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live questions across Sightline servers. An agent keeps its command stream open to one
 * collector, recorded in HBase (agents table); a web in another process finds that collector
 * there and asks it over the collector's own gRPC port ({@code LiveService}), showing the
 * cluster secret every server reads from HBase ({@link ClusterSecret}). Agents cannot call it:
 * they do not have the secret, whatever the collector token.
 */
public final class LiveRelay {
    static final Metadata.Key<String> SECRET = Metadata.Key.of("sightline-internal", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = LoggerFactory.getLogger(LiveRelay.class);

    private LiveRelay() {
    }

    /** The installation's secret, read from HBase once it can be (a failed read is tried again next time). */
    static Supplier<String> secret(Supplier<Connection> connection) {
        return new Supplier<>() {
            private volatile String value;

            @Override
            public String get() {
                String v = value;
                Connection c = connection.get();
                if (v == null && c != null) {
                    try {
                        v = ClusterSecret.get(c);
                        value = v;
                    } catch (IOException e) {
                        LOG.debug("cluster secret not readable yet: {}", e.toString());
                    }
                }
                return v;
            }
        };
    }

    /** The collector side: answers from this collector's own command streams only (never relays further). */
    static ServerServiceDefinition service(CommandHub hub, Supplier<String> secret) {
        LiveServiceGrpc.LiveServiceImplBase impl = new LiveServiceGrpc.LiveServiceImplBase() {
            @Override
            public void activeRequests(LiveQuery request, StreamObserver<LiveAnswer> reply) {
                LiveAnswer.Builder b = LiveAnswer.newBuilder();
                hub.askActiveRequests(request.getAgentId()).ifPresent(r -> b.setConnected(true).setActiveRequests(r));
                reply.onNext(b.build());
                reply.onCompleted();
            }
        };
        return ServerInterceptors.intercept(impl.bindService(), new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String expected = secret.get();
                String given = headers.get(SECRET);
                if (expected == null || given == null || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("internal calls only"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        });
    }

    /**
     * The web side: asks this process's collector first (when it has one), else the collector
     * recorded as holding the agent's stream. Empty when no collector holds it, the holder is gone,
     * or it does not answer within the command timeout and a little more.
     */
    public static final class Client implements LiveAgents, AutoCloseable {
        private final Supplier<Connection> connection;
        private final Supplier<LiveAgents> local;
        private final Supplier<String> localAddress;
        private final Supplier<String> secret;
        private final Duration deadline;
        private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

        /**
         * @param connection   HBase (its supplier may give null while storage starts: nothing is connected then)
         * @param local        this process's collector (its supplier may give null: no collector here)
         * @param localAddress the address this process's collector advertises (null: none)
         * @param commandTimeout how long a collector waits for an agent's reply
         */
        public Client(Supplier<Connection> connection, Supplier<LiveAgents> local, Supplier<String> localAddress,
                      Duration commandTimeout) {
            this.connection = connection;
            this.local = local;
            this.localAddress = localAddress;
            this.secret = secret(connection);
            this.deadline = commandTimeout.plusSeconds(2);
        }

        @Override
        public Optional<List<ActiveRequest>> activeRequests(String agentId) {
            LiveAgents here = local.get();
            if (here != null) {
                Optional<List<ActiveRequest>> answer = here.activeRequests(agentId);
                if (answer.isPresent()) {
                    return answer;
                }
            }
            Connection c = connection.get();
            if (c == null) {
                return Optional.empty();
            }
            String holder;
            try {
                holder = new AgentStore(c).commandStreamHolder(agentId);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (holder == null || holder.equals(localAddress.get())) {
                return Optional.empty();
            }
            String s = secret.get();
            if (s == null) {
                return Optional.empty();
            }
            Metadata headers = new Metadata();
            headers.put(SECRET, s);
            try {
                LiveAnswer answer = LiveServiceGrpc.newBlockingStub(channel(holder))
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .activeRequests(LiveQuery.newBuilder().setAgentId(agentId).build());
                return answer.getConnected()
                        ? Optional.of(CommandHub.toActiveRequests(answer.getActiveRequests(), System.currentTimeMillis()))
                        : Optional.empty();
            } catch (StatusRuntimeException e) {
                LOG.debug("collector {} did not answer for agent {}: {}", holder, agentId, e.getStatus());
                return Optional.empty();
            }
        }

        private ManagedChannel channel(String address) {
            return channels.computeIfAbsent(address, a -> {
                int colon = a.lastIndexOf(':');
                String host = a.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return NettyChannelBuilder.forAddress(host, Integer.parseInt(a.substring(colon + 1))).usePlaintext()
                        .maxInboundMessageSize(16 * 1024 * 1024).build();
            });
        }

        @Override
        public void close() {
            channels.values().forEach(ManagedChannel::shutdownNow);
            channels.clear();
        }
    }
}
