package io.sightline.protocol;

/**
 * The one registry of service type names used on spans, events and server-map nodes.
 * Storage keeps these names as text, so no numeric code needs to stay stable.
 */
public final class ServiceTypes {
    /** Callers without an agent. */
    public static final String USER = "USER";
    /** An application whose entry point is a servlet container. */
    public static final String TOMCAT = "TOMCAT";
    /** Uninstrumented remote HTTP host (a server-map node). */
    public static final String HTTP = "HTTP";
    /** An outgoing HTTP call (a span event). */
    public static final String HTTP_CLIENT = "HTTP_CLIENT";
    public static final String H2 = "H2";
    public static final String MYSQL = "MYSQL";
    public static final String MARIADB = "MARIADB";
    public static final String POSTGRESQL = "POSTGRESQL";
    /** A timed method inside a span (servlet dispatch, executor hand-off...). */
    public static final String METHOD = "METHOD";
    /** Work handed to another thread. */
    public static final String ASYNC = "ASYNC";

    private ServiceTypes() {
    }

    /** True for types that are databases (a node of their own on the server map). */
    public static boolean isDatabase(String type) {
        return H2.equals(type) || MYSQL.equals(type) || MARIADB.equals(type) || POSTGRESQL.equals(type);
    }
}
