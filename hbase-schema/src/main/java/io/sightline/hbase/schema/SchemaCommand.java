package io.sightline.hbase.schema;

import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;

/**
 * The operator's command: {@code schema --zookeeper=host:2181 [--retention-days=14] [--regions=8] [--dry-run]}.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
public final class SchemaCommand {
    private SchemaCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String zookeeper = null;
        int retention = 14;
        boolean dryRun = false;
        int regions = Tables.DEFAULT_REGIONS;
        for (String a : args) {
            if (a.startsWith("--zookeeper=")) {
                zookeeper = a.substring("--zookeeper=".length());
            } else if (a.startsWith("--sightline.hbase.zookeeper=")) {
                zookeeper = a.substring("--sightline.hbase.zookeeper=".length());
            } else if (a.startsWith("--retention-days=") || a.startsWith("--sightline.retention-days=")) {
                try {
                    retention = Integer.parseInt(a.substring(a.indexOf('=') + 1));
                    Tables.ttlSeconds(retention);
                } catch (IllegalArgumentException e) {
                    err.println("bad --retention-days: " + a.substring(a.indexOf('=') + 1) + " (1..3650)");
                    return 2;
                }
            } else if (a.startsWith("--regions=")) {
                try {
                    regions = Integer.parseInt(a.substring("--regions=".length()));
                    Tables.splitKeys(Tables.TRACES, regions);
                } catch (IllegalArgumentException e) {
                    err.println("bad --regions: " + a.substring("--regions=".length()) + " (1, 2, 4 or 8)");
                    return 2;
                }
            } else if (a.equals("--dry-run")) {
                dryRun = true;
            } else if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return 0;
            } else {
                err.println("unknown argument: " + a);
                usage(err);
                return 2;
            }
        }
        if (zookeeper == null) {
            err.println("--zookeeper=host:port is required");
            usage(err);
            return 2;
        }
        try {
            HBaseConnections.configuration(zookeeper);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (Connection c = HBaseConnections.connect(zookeeper)) {
            SchemaTool.Report r = SchemaTool.apply(c, retention, regions, dryRun, line -> out.println("schema: " + line));
            out.println("schema: version " + r.versionBefore() + " -> " + r.versionAfter()
                    + (dryRun ? " (dry run, nothing changed)" : ""));
            return 0;
        } catch (Exception e) {
            err.println("schema: failed: " + e);
            return 1;
        }
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar sightline-server.jar schema --zookeeper=host:port[,host:port] "
                + "[--retention-days=14] [--regions=8] [--dry-run]");
    }
}
