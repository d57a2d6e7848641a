package io.sightline.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code sightline.*} settings of CONTRACT.md, plus a few operational ones. */
@ConfigurationProperties(prefix = "sightline")
public class SightlineProperties {
    /** Embedded HBase data and generated secrets. */
    private Path dataDir = Path.of("sightline-data");
    /** "collector", "web" or both (comma separated). */
    private String roles = "collector,web";
    private int retentionDays = 14;
    /** An agent not heard from (ping, stats, command stream) for this long is DISCONNECTED. */
    private Duration agentDisconnectedAfter = Duration.ofSeconds(30);
    private final Hbase hbase = new Hbase();
    private final Collector collector = new Collector();

    public static class Hbase {
        /** host:port,... of an external HBase's ZooKeeper; unset = embedded child HBase. */
        private String zookeeper;
        /** HBase server jars for the embedded child; default: hbase/lib beside the server jar. */
        private Path libDir;
        /** -Xmx of the embedded child. */
        private String maxHeap = "768m";
        /** ZooKeeper port of the embedded child; 0 = a free port. */
        private int zookeeperPort = 0;
        /** Regions the big tables start with (1, 2, 4, 8); 0 = 2 embedded, 8 on an external HBase. */
        private int regions = 0;

        public int getRegions() {
            return regions;
        }

        public void setRegions(int regions) {
            this.regions = regions;
        }

        public String getZookeeper() {
            return zookeeper;
        }

        public void setZookeeper(String zookeeper) {
            this.zookeeper = zookeeper == null || zookeeper.isBlank() ? null : zookeeper.trim();
        }

        public Path getLibDir() {
            return libDir;
        }

        public void setLibDir(Path libDir) {
            this.libDir = libDir;
        }

        public String getMaxHeap() {
            return maxHeap;
        }

        public void setMaxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
        }

        public int getZookeeperPort() {
            return zookeeperPort;
        }

        public void setZookeeperPort(int zookeeperPort) {
            this.zookeeperPort = zookeeperPort;
        }
    }

    public static class Collector {
        private int port = 9991;
        private String address = "127.0.0.1";
        /** When set, agents must send it (never logged). */
        private String token;
        /** host:port other servers use to reach this collector (default address:port). */
        private String advertisedAddress;
        private Duration flushInterval = Duration.ofSeconds(5);
        private int maxInflightBatches = 16;
        private int maxMessageBytes = 16 * 1024 * 1024;
        /** TLS for agents: a PKCS12 key store (unset = plaintext). */
        private Path tlsKeyStore;
        /** Password of the TLS key store (never logged). */
        private String tlsKeyStorePassword;

        public Path getTlsKeyStore() {
            return tlsKeyStore;
        }

        public void setTlsKeyStore(Path tlsKeyStore) {
            this.tlsKeyStore = tlsKeyStore;
        }

        public String getTlsKeyStorePassword() {
            return tlsKeyStorePassword;
        }

        public void setTlsKeyStorePassword(String tlsKeyStorePassword) {
            this.tlsKeyStorePassword = tlsKeyStorePassword;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token == null || token.isEmpty() ? null : token;
        }

        public String getAdvertisedAddress() {
            return advertisedAddress;
        }

        public void setAdvertisedAddress(String advertisedAddress) {
            this.advertisedAddress = advertisedAddress;
        }

        public Duration getFlushInterval() {
            return flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        public int getMaxInflightBatches() {
            return maxInflightBatches;
        }

        public void setMaxInflightBatches(int maxInflightBatches) {
            this.maxInflightBatches = maxInflightBatches;
        }

        public int getMaxMessageBytes() {
            return maxMessageBytes;
        }

        public void setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public String toString() {
            return "Collector[" + address + ":" + port + (token == null ? "" : ", token set")
                    + (tlsKeyStore == null ? "" : ", TLS " + tlsKeyStore) + "]";
        }
    }

    /** The roles, validated: a subset of {collector, web}, never empty. */
    public Set<String> roleSet() {
        Set<String> out = new LinkedHashSet<>();
        for (String r : roles.split(",")) {
            String role = r.trim().toLowerCase(Locale.ROOT);
            if (role.isEmpty()) {
                continue;
            }
            if (!role.equals("collector") && !role.equals("web")) {
                throw new IllegalArgumentException("sightline.roles may hold 'collector' and/or 'web', not '" + r.trim() + "'");
            }
            out.add(role);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("sightline.roles must name at least one of collector, web");
        }
        return out;
    }

    public boolean hasRole(String role) {
        return roleSet().contains(role);
    }

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public String getRoles() {
        return roles;
    }

    public void setRoles(String roles) {
        this.roles = roles;
    }

    public Duration getAgentDisconnectedAfter() {
        return agentDisconnectedAfter;
    }

    public void setAgentDisconnectedAfter(Duration agentDisconnectedAfter) {
        this.agentDisconnectedAfter = agentDisconnectedAfter;
    }

    public int getRetentionDays() {
        return retentionDays;
    }

    public void setRetentionDays(int retentionDays) {
        this.retentionDays = retentionDays;
    }

    public Hbase getHbase() {
        return hbase;
    }

    public Collector getCollector() {
        return collector;
    }
}
