package io.sightline.agent.core.export;

import java.util.List;
import java.util.Map;

/** Who this agent is, as registered with the collector. */
public final class AgentIdentity {
    public final String agentId;
    public final String applicationName;
    public final String serviceType;
    public final String hostname;
    public final String ip;
    public final int pid;
    public final long startTime;
    public final String jvmVersion;
    public final String agentVersion;
    public final List<String> plugins;
    public final Map<String, String> properties;

    public AgentIdentity(String agentId, String applicationName, String serviceType, String hostname, String ip,
                         int pid, long startTime, String jvmVersion, String agentVersion, List<String> plugins,
                         Map<String, String> properties) {
        this.agentId = agentId;
        this.applicationName = applicationName;
        this.serviceType = serviceType;
        this.hostname = hostname;
        this.ip = ip;
        this.pid = pid;
        this.startTime = startTime;
        this.jvmVersion = jvmVersion;
        this.agentVersion = agentVersion;
        this.plugins = plugins;
        this.properties = properties;
    }
}
