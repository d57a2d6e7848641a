package io.sightline.agent.transport;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.v1.MetadataEntry;

/**
 * Remembers which metadata texts the collector has acknowledged, so a text travels with every
 * batch that refers to it until one such batch is acknowledged. Bounded: the oldest ids are
 * forgotten (and then simply sent once more).
 *
 * <p>Every event of every span asks for the id of its API and SQL text; working an id out means
 * encoding the text to UTF-8 and hashing it, so the texts met recently (in practice the few
 * hundred an application uses) are kept with their id and state, looked up by the string itself.
 */
final class MetadataTracker {
    /** Texts kept for lookup, per kind; beyond it the oldest are forgotten (their id is worked out again). */
    static final int CACHED_TEXTS = 1024;
    /** Longer texts are not kept (the cache holds at most this many characters per entry). */
    static final int CACHED_TEXT_LENGTH = 1024;

    /** One metadata text, its id, and whether the collector has it. Used on the sender thread only. */
    static final class Text {
        final MetadataEntry.Kind kind;
        final String value;
        final long id;
        boolean acknowledged;
        private MetadataEntry entry;

        Text(MetadataEntry.Kind kind, String value, long id, boolean acknowledged) {
            this.kind = kind;
            this.value = value;
            this.id = id;
            this.acknowledged = acknowledged;
        }

        MetadataEntry entry() {
            MetadataEntry e = entry;
            if (e == null) {
                e = MetadataEntry.newBuilder().setKind(kind).setId(id).setValue(value).build();
                entry = e;
            }
            return e;
        }
    }

    /**
     * In front of the maps: the Text last found for a String object, by the string's hash,
     * compared by identity. Events carry the very same API and SQL String objects span after
     * span (the tracer keeps them in caches), so nearly every lookup ends here, a few loads
     * instead of a map lookup. A miss (another object of equal text, or a slot taken by another
     * text) falls through to the maps. A slot may keep a Text the map has since forgotten: its id
     * is still right, and its acknowledged flag is at worst stale in the safe direction (false
     * when a newer Text object got acknowledged), which costs one more sending of the text.
     */
    static final int RECENT_SLOTS = 1024;
    private final Text[] recent = new Text[RECENT_SLOTS];
    private final Map<Long, Boolean> acknowledged;
    private final Map<String, Text> api = cache();
    private final Map<String, Text> sql = cache();

    MetadataTracker(final int capacity) {
        this.acknowledged = new LinkedHashMap<Long, Boolean>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    private static Map<String, Text> cache() {
        return new LinkedHashMap<String, Text>(256) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Text> eldest) {
                return size() > CACHED_TEXTS;
            }
        };
    }

    /** The text with its id and whether the collector has it. */
    Text textOf(MetadataEntry.Kind kind, String text) {
        int h = text.hashCode(); // kept in the String after its first use
        int slot = (h ^ (h >>> 16) ^ kind.getNumber()) & (RECENT_SLOTS - 1);
        Text t = recent[slot];
        if (t != null && t.value == text && t.kind == kind) {
            return t;
        }
        Map<String, Text> cache = kind == MetadataEntry.Kind.SQL ? sql : kind == MetadataEntry.Kind.API ? api : null;
        t = cache == null ? null : cache.get(text);
        if (t == null) {
            long id = MetadataIds.of(kind.getNumber(), text);
            t = new Text(kind, text, id, acknowledged.containsKey(id));
            if (cache == null || text.length() > CACHED_TEXT_LENGTH) {
                return t;
            }
            cache.put(text, t);
        }
        if (t.value == text) {
            recent[slot] = t;
        }
        return t;
    }

    /** The id of {@code text}; adds an entry to {@code pending} unless the collector already has it. */
    long idOf(MetadataEntry.Kind kind, String text, Map<Long, MetadataEntry> pending) {
        Text t = textOf(kind, text);
        if (!t.acknowledged && !pending.containsKey(t.id)) {
            pending.put(t.id, t.entry());
        }
        return t.id;
    }

    void acknowledge(Text t) {
        t.acknowledged = true;
        acknowledged.put(t.id, Boolean.TRUE);
        Text cached = textOf(t.kind, t.value); // the one lookups find, if another object
        cached.acknowledged = true;
    }

    void acknowledge(Iterable<MetadataEntry> entries) {
        for (MetadataEntry e : entries) {
            acknowledge(textOf(e.getKind(), e.getValue()));
        }
    }

    int size() {
        return acknowledged.size();
    }
}
