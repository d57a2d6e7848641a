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

    public JoinedNames(String separator, int maxEntries) {
        this.separator = separator;
        this.maxEntries = maxEntries;
    }

    public String get(String first, String second) {
        ConcurrentHashMap<String, String> seconds = byFirst.get(first);
        String joined = seconds == null ? null : seconds.get(second);
        if (joined != null) {
            return joined;
        }
        joined = first + separator + second;
        if (size >= maxEntries) {
            return joined;
        }
        if (seconds == null) {
            ConcurrentHashMap<String, String> fresh = new ConcurrentHashMap<String, String>();
            seconds = byFirst.putIfAbsent(first, fresh);
            if (seconds == null) {
                seconds = fresh;
            }
        }
        if (seconds.putIfAbsent(second, joined) == null) {
            size++; // racy on purpose: an approximate bound is enough
        }
        return joined;
    }
}
