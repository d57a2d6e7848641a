package io.sightline.agent.core.http;

import java.net.URL;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The destination ({@code host:port}) and shown URL ({@code scheme://host:port/path}) of an
 * outgoing call, remembered per URL text so that an application calling the same URLs again and
 * again does not parse and concatenate them on its request threads every time. Bounded: past
 * {@code maxEntries} URLs it stops remembering and parses each new one.
 */
public final class UrlTargets {
    /** Destination and display of a URL that does not parse: none. */
    private static final String[] NONE = new String[2];

    private final int maxEntries;
    private final ConcurrentHashMap<String, String[]> byUrl = new ConcurrentHashMap<String, String[]>();
    private volatile int size;

    public UrlTargets(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** {destination, display} of {@code url}, both null when it does not parse; never modify the array. */
    public String[] of(String url) {
        if (url == null) {
            return NONE;
        }
        String[] known = byUrl.get(url);
        if (known != null) {
            return known;
        }
        UrlParts parts = UrlParts.parse(url);
        String[] target;
        if (parts == null) {
            target = NONE;
        } else {
            String destination = parts.destination();
            target = new String[] {destination, parts.display(destination)};
        }
        if (size < maxEntries && byUrl.putIfAbsent(url, target) == null) {
            size++; // racy on purpose: an approximate bound is enough
        }
        return target;
    }

    /** URLs remembered. */
    public int size() {
        return byUrl.size();
    }

    /** Targets by scheme, host, port and path, direct-mapped: a slot holds the last one stored there. */
    private final ByParts[] byParts = new ByParts[256];

    /** What {@link #of(URL)} remembers: the parts it was asked about and their answer. */
    private static final class ByParts {
        final String protocol;
        final String host;
        final int port;
        final String path;
        final String[] target;

        ByParts(String protocol, String host, int port, String path, String[] target) {
            this.protocol = protocol;
            this.host = host;
            this.port = port;
            this.path = path;
            this.target = target;
        }
    }

    /**
     * {@link #of(String)} for a URL object, the same answer as for its text, from its parts: no
     * text of the URL is built (toExternalForm), and URLs differing only by their query or
     * credentials share one entry.
     */
    public String[] of(URL url) {
        if (url == null) {
            return NONE;
        }
        String protocol = url.getProtocol();
        String host = url.getHost();
        int port = url.getPort();
        String path = url.getPath();
        if (protocol == null || host == null || host.isEmpty() || path == null) {
            return of(url.toExternalForm()); // nothing we know how to shorten; the text decides
        }
        int h = ((protocol.hashCode() * 31 + host.hashCode()) * 31 + port) * 31 + path.hashCode();
        int slot = (h ^ (h >>> 16)) & (byParts.length - 1);
        ByParts known = byParts[slot];
        if (known != null && known.port == port && known.host.equals(host) && known.path.equals(path)
                && known.protocol.equals(protocol)) {
            return known.target;
        }
        String scheme = protocol.toLowerCase(Locale.ROOT);
        String destination = host.toLowerCase(Locale.ROOT) + ":" + (port < 0 ? UrlParts.defaultPort(scheme) : port);
        String[] target = {destination, scheme + "://" + destination + (path.isEmpty() ? "/" : path)};
        byParts[slot] = new ByParts(protocol, host, port, path, target); // racy: an entry is immutable
        return target;
    }
}
