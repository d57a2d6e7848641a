package io.sightline.agent.transport;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.v1.MetadataEntry;

/**
 * Remembers which metadata texts the collector has acknowledged, so a text travels with every
 * batch that refers to it until one such batch is acknowledged. Bounded: the oldest ids are
 * forgotten (and then simply sent once more).
 */
final class MetadataTracker {
    private final Map<Long, Boolean> acknowledged;

    MetadataTracker(final int capacity) {
        this.acknowledged = new LinkedHashMap<Long, Boolean>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The id of {@code text}; adds an entry to {@code pending} unless the collector already has it. */
    long idOf(MetadataEntry.Kind kind, String text, Map<Long, MetadataEntry> pending) {
        long id = MetadataIds.of(kind.getNumber(), text);
        if (!acknowledged.containsKey(id) && !pending.containsKey(id)) {
            pending.put(id, MetadataEntry.newBuilder().setKind(kind).setId(id).setValue(text).build());
        }
        return id;
    }

    void acknowledge(Iterable<MetadataEntry> entries) {
        for (MetadataEntry e : entries) {
            acknowledged.put(e.getId(), Boolean.TRUE);
        }
    }

    int size() {
        return acknowledged.size();
    }
}
