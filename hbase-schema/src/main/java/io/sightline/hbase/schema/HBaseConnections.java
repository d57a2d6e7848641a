package io.sightline.hbase.schema;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;

/** Client connections to an HBase given by its ZooKeeper quorum. */
public final class HBaseConnections {
    private HBaseConnections() {
    }

    /** Client settings for a quorum "host:port,host:port" (or "host" for the default port 2181). */
    public static Configuration configuration(String quorum) {
        if (quorum == null || quorum.isBlank()) {
            throw new IllegalArgumentException("ZooKeeper quorum must not be empty (host:port[,host:port...])");
        }
        for (String part : quorum.split(",")) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (p.isEmpty() || colon == 0) {
                throw new IllegalArgumentException("bad ZooKeeper address '" + part + "' in " + quorum);
            }
            if (colon > 0) {
                try {
                    int port = Integer.parseInt(p.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad ZooKeeper port in '" + part + "'");
                }
            }
        }
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", quorum.replace(" ", ""));
        // fail in seconds rather than minutes when HBase is away; callers retry
        conf.setInt("hbase.client.retries.number", 10);
        conf.setInt("hbase.client.pause", 100);
        conf.setInt("hbase.rpc.timeout", 20_000);
        conf.setInt("hbase.client.operation.timeout", 60_000);
        conf.setInt("hbase.client.scanner.timeout.period", 60_000);
        conf.setInt("zookeeper.recovery.retry", 3);
        return conf;
    }

    public static Connection connect(String quorum) throws IOException {
        return ConnectionFactory.createConnection(configuration(quorum));
    }
}
