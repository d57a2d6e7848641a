package io.sightline.agent.core.http;

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
}
