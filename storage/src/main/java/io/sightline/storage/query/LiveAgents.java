package io.sightline.storage.query;

import java.util.List;
import java.util.Optional;

/**
 * Live questions to running agents, answered over the command stream the agent keeps open to a
 * collector (implemented by the collector; the web only asks).
 */
public interface LiveAgents {

    /** Requests in flight on the agent, longest-running first; empty when the agent is not connected. */
    Optional<List<ActiveRequest>> activeRequests(String agentId);

    /** One request in flight; {@code stack} is the request thread's current stack, top first. */
    record ActiveRequest(String transactionId, String uri, long startTime, long elapsed,
                         String threadName, List<String> stack) {
    }
}
