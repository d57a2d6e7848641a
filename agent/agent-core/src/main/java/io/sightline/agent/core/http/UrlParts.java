package io.sightline.agent.core.http;

import java.util.Locale;

/**
 * The parts of an outgoing URL the agent records: the destination {@code host:port} (port
 * filled in from the scheme) and the URL shown with the call, without credentials, query string
 * or fragment (queries often hold tokens and personal data).
 */
public final class UrlParts {
    public final String scheme;
    public final String host;
    public final int port;
    public final String path;

    private UrlParts(String scheme, String host, int port, String path) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** Parses an absolute http(s) URL; null when it is not one. */
    public static UrlParts parse(String url) {
        if (url == null) {
            return null;
        }
        int colon = url.indexOf("://");
        if (colon <= 0) {
            return null;
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        int authStart = colon + 3;
        int authEnd = authStart;
        while (authEnd < url.length() && "/?#".indexOf(url.charAt(authEnd)) < 0) {
            authEnd++;
        }
        String authority = url.substring(authStart, authEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host = authority;
        int port = -1;
        int portColon = authority.lastIndexOf(':');
        if (portColon >= 0 && authority.indexOf(']', portColon) < 0) {
            host = authority.substring(0, portColon);
            try {
                port = Integer.parseInt(authority.substring(portColon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty()) {
            return null;
        }
        if (port < 0) {
            port = defaultPort(scheme);
        }
        int pathEnd = authEnd;
        while (pathEnd < url.length() && "?#".indexOf(url.charAt(pathEnd)) < 0) {
            pathEnd++;
        }
        String path = url.substring(authEnd, pathEnd);
        return new UrlParts(scheme, host.toLowerCase(Locale.ROOT), port, path.isEmpty() ? "/" : path);
    }

    public static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
    }

    /** {@code host:port}, the node name of the callee. */
    public String destination() {
        return host + ":" + port;
    }

    /** {@code scheme://host:port/path}. */
    public String display() {
        return display(destination());
    }

    /** {@link #display()} with the {@link #destination()} the caller already has. */
    public String display(String destination) {
        return scheme + "://" + destination + path;
    }

    /**
     * The endpoint a server was called at, from its Host header: {@code host:port}, the port taken
     * from the scheme when the header has none. Null when there is no header.
     */
    public static String endpoint(String hostHeader, String scheme) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        boolean hasPort = colon >= 0 && h.indexOf(']', colon) < 0;
        if (hasPort) {
            return h;
        }
        int port = defaultPort(scheme == null ? "http" : scheme);
        return port < 0 ? h : h + ":" + port;
    }
}
