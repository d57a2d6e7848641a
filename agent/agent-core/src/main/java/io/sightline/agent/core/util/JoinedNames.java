package io.sightline.agent.core.util;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code first + separator + second}, built once per pair and then shared, for names made of a
 * few known parts on every call (JDBC "PreparedStatement.executeQuery", HTTP "OkHttp GET").
 * Bounded: past {@code maxEntries} pairs it stops remembering and just concatenates.
 */
public final class JoinedNames {
    private final String separator;
    private final int maxEntries;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> byFirst =
            new ConcurrentHashMap<String, ConcurrentHashMap<String, String>>();
    private volatile int size;
    /**
     * Pairs met recently, looked up by the identity of their parts: advice passes the same
     * String constants call after call, so most lookups end here, one array slot and two
     * reference compares instead of two hash map lookups. Only pairs the maps remember are put
     * here; a slot is replaced whole by an immutable {@link Recent}.
     */
    private final Recent[] recent = new Recent[RECENT];
    private static final int RECENT = 16;

    private static final class Recent {
        final String first;
        final String second;
        final String joined;

        Recent(String first, String second, String joined) {
            this.first = first;
            this.second = second;
            this.joined = joined;
        }
    }

    public JoinedNames(String separator, int maxEntries) {
        this.separator = separator;
        this.maxEntries = maxEntries;
    }

    public String get(String first, String second) {
        int slot = (31 * (first == null ? 0 : first.hashCode()) + (second == null ? 0 : second.hashCode())) & (RECENT - 1);
        Recent r = recent[slot];
        if (r != null && r.first == first && r.second == second) {
            return r.joined;
        }
        String remembered = remembered(first, second);
        if (remembered != null) {
            recent[slot] = new Recent(first, second, remembered);
            return remembered;
        }
        return first + separator + second;
    }

    /** The shared text of the pair, remembered now if there is room; null past the bound. */
    private String remembered(String first, String second) {
        if (first == null || second == null) {
            return null;
        }
        ConcurrentHashMap<String, String> seconds = byFirst.get(first);
        String joined = seconds == null ? null : seconds.get(second);
        if (joined != null) {
            return joined;
        }
        if (size >= maxEntries) {
            return null;
        }
        joined = first + separator + second;
        if (seconds == null) {
            ConcurrentHashMap<String, String> fresh = new ConcurrentHashMap<String, String>();
            seconds = byFirst.putIfAbsent(first, fresh);
            if (seconds == null) {
                seconds = fresh;
            }
        }
        String raced = seconds.putIfAbsent(second, joined);
        if (raced != null) {
            return raced;
        }
        size++; // racy on purpose: an approximate bound is enough
        return joined;
    }
}
