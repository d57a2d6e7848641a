package io.sightline.collector;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.PingReply;
import io.sightline.protocol.v1.RegisterReply;
import io.sightline.storage.write.AgentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Register, ping and shutdown of agents. */
final class AgentLifecycle extends AgentServiceGrpc.AgentServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLifecycle.class);
    private final AgentStore agents;

    AgentLifecycle(AgentStore agents) {
        this.agents = agents;
    }

    @Override
    public void register(AgentInfo info, StreamObserver<RegisterReply> reply) {
        String bad = Validation.agentRef(AgentRef.newBuilder().setAgentId(info.getAgentId())
                .setApplicationName(info.getApplicationName()).build());
        if (bad == null && (info.getApplicationName().isEmpty() || info.getApplicationName().indexOf('^') >= 0)) {
            bad = "application_name is missing or contains '^'";
        }
        if (bad == null && info.getSerializedSize() > 256 * 1024) {
            bad = "agent info is larger than 256 KiB";
        }
        if (bad != null) {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return;
        }
        long now = System.currentTimeMillis();
        try {
            agents.register(info, now);
        } catch (Exception e) {
            LOG.warn("could not store agent registration: {}", e.toString());
            reply.onError(Status.UNAVAILABLE.withDescription("storage unavailable; retry later").asRuntimeException());
            return;
        }
        reply.onNext(RegisterReply.newBuilder().setServerTime(now).setProtocolVersion(Protocol.PROTOCOL_VERSION).build());
        reply.onCompleted();
    }

    @Override
    public void ping(AgentRef ref, StreamObserver<PingReply> reply) {
        lifecycle(ref, reply, false);
    }

    @Override
    public void shutdown(AgentRef ref, StreamObserver<PingReply> reply) {
        lifecycle(ref, reply, true);
    }

    private void lifecycle(AgentRef ref, StreamObserver<PingReply> reply, boolean shutdown) {
        String bad = Validation.agentRef(ref);
        if (bad != null) {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return;
        }
        long now = System.currentTimeMillis();
        try {
            if (shutdown) {
                agents.shutdown(ref, now);
            } else {
                agents.ping(ref, now);
            }
        } catch (Exception e) {
            LOG.warn("could not store agent {}: {}", shutdown ? "shutdown" : "ping", e.toString());
            reply.onError(Status.UNAVAILABLE.withDescription("storage unavailable; retry later").asRuntimeException());
            return;
        }
        reply.onNext(PingReply.newBuilder().setServerTime(now).build());
        reply.onCompleted();
    }
}
