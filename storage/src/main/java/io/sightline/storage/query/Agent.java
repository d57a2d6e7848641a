package io.sightline.storage.query;

/** One agent (one JVM). {@code status} is RUNNING, DISCONNECTED or SHUTDOWN. */
public record Agent(String agentId, String applicationName, String hostname, String ip, int pid,
                    long startTime, String jvmVersion, String agentVersion, String status,
                    long lastSeen) {
}
