package io.sightline.agent.core.jdbc;

import java.util.Locale;

import io.sightline.protocol.ServiceTypes;

/**
 * Reads the database type and the destination shown on the server map from a JDBC URL.
 *
 * <ul>
 *   <li>H2: the database part of the URL without options: {@code jdbc:h2:mem:testdb} -> {@code testdb},
 *       {@code jdbc:h2:file:/x/y/db} -> {@code /x/y/db} (the whole path: two databases named db in
 *       different folders are different nodes), {@code jdbc:h2:tcp://h:9092/~/db} -> {@code h:9092/~/db}.</li>
 *   <li>network drivers: {@code host:port/database}, with the driver's default port when the URL
 *       has none and the first host when it lists several.</li>
 * </ul>
 */
public final class JdbcUrls {
    private JdbcUrls() {
    }

    /** The type and destination of a connection; {@code driverClass} tells MariaDB's driver apart. */
    public static DbInfo describe(String url, String driverClass) {
        if (url == null) {
            return new DbInfo(typeOfDriver(driverClass), "unknown");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            return new DbInfo(ServiceTypes.H2, h2Destination(url.substring("jdbc:h2:".length())));
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new DbInfo(ServiceTypes.POSTGRESQL, network(url.substring("jdbc:postgresql:".length()), 5432));
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            boolean mariaDriver = driverClass != null && driverClass.startsWith("org.mariadb.");
            String type = lower.startsWith("jdbc:mariadb:") || mariaDriver ? ServiceTypes.MARIADB : ServiceTypes.MYSQL;
            int colon = url.indexOf(':', 5);
            return new DbInfo(type, network(url.substring(colon + 1), 3306));
        }
        return new DbInfo(typeOfDriver(driverClass), stripOptions(url));
    }

    private static String typeOfDriver(String driverClass) {
        if (driverClass == null) {
            return "JDBC";
        }
        if (driverClass.startsWith("org.h2.")) {
            return ServiceTypes.H2;
        }
        if (driverClass.startsWith("org.postgresql.")) {
            return ServiceTypes.POSTGRESQL;
        }
        if (driverClass.startsWith("org.mariadb.")) {
            return ServiceTypes.MARIADB;
        }
        if (driverClass.startsWith("com.mysql.")) {
            return ServiceTypes.MYSQL;
        }
        return "JDBC";
    }

    static String h2Destination(String rest) {
        String s = stripOptions(rest);
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"mem:", "file:", "zip:", "split:", "nio:", "nioMapped:", "async:"}) {
            if (lower.startsWith(prefix.toLowerCase(Locale.ROOT))) {
                s = s.substring(prefix.length());
                lower = s.toLowerCase(Locale.ROOT);
                if (prefix.equals("mem:")) {
                    return s.isEmpty() ? "mem" : s;
                }
            }
        }
        for (String prefix : new String[] {"tcp://", "ssl://"}) {
            if (lower.startsWith(prefix)) {
                return s.substring(prefix.length());
            }
        }
        return s.isEmpty() ? "h2" : s;
    }

    /** {@code [qualifier:]//host[:port][,host2...]/database[?options]} -> host:port/database. */
    static String network(String rest, int defaultPort) {
        String s = rest;
        int slashes = s.indexOf("//");
        if (slashes < 0) {
            // jdbc:postgresql:database form
            String db = stripOptions(s);
            return "localhost:" + defaultPort + "/" + (db.startsWith("/") ? db.substring(1) : db);
        }
        s = s.substring(slashes + 2);
        int slash = s.indexOf('/');
        String hosts = slash < 0 ? stripOptions(s) : s.substring(0, slash);
        String db = slash < 0 ? "" : stripOptions(s.substring(slash + 1));
        String first = hosts.split(",")[0].trim();
        if (first.startsWith("address=")) {
            first = mysqlAddress(first);
        }
        int at = first.lastIndexOf('@');
        if (at >= 0) {
            first = first.substring(at + 1); // credentials never leave the JVM
        }
        String host = first;
        String port = null;
        if (first.startsWith("[")) {
            int close = first.indexOf(']');
            host = first.substring(0, close + 1);
            if (close + 1 < first.length() && first.charAt(close + 1) == ':') {
                port = first.substring(close + 2);
            }
        } else if (first.indexOf(':') >= 0) {
            host = first.substring(0, first.indexOf(':'));
            port = first.substring(first.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        if (port == null || port.isEmpty()) {
            port = String.valueOf(defaultPort);
        }
        return host + ":" + port + "/" + db;
    }

    private static String mysqlAddress(String spec) {
        // address=(host=h)(port=p)(key=value)
        String host = between(spec, "(host=");
        String port = between(spec, "(port=");
        return (host == null ? "localhost" : host) + (port == null ? "" : ":" + port);
    }

    private static String between(String s, String key) {
        int i = s.indexOf(key);
        if (i < 0) {
            return null;
        }
        int end = s.indexOf(')', i);
        return end < 0 ? null : s.substring(i + key.length(), end);
    }

    private static String stripOptions(String s) {
        int cut = s.length();
        for (char c : new char[] {';', '?'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return s.substring(0, cut);
    }

    /** A database's type and server-map name. */
    public static final class DbInfo {
        public final String serviceType;
        public final String destination;

        public DbInfo(String serviceType, String destination) {
            this.serviceType = serviceType;
            this.destination = destination;
        }

        @Override
        public String toString() {
            return serviceType + " " + destination;
        }
    }
}
