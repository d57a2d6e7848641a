package io.sightline.agent.core.util;

import io.sightline.agent.bridge.Slotted;

/**
 * State the agent keeps about objects it does not own: in the object's own slot when its class
 * got one ({@link Slotted}, added when the class was defined), else in a {@link WeakIdentityMap}.
 * Through the slot a put allocates nothing, a lookup is a field read, and the state goes with
 * the object without a weak reference for the GC to process.
 *
 * <p>An object has one slot: each kind of object (statements, connections) has one owner. A
 * value of another type found there reads as absent rather than failing.
 */
public final class SlotMap<V> {
    private final Class<V> type;
    private final WeakIdentityMap<Object, V> fallback;

    /** @param maxSize entries the weak map holds at most (objects without a slot) */
    public SlotMap(Class<V> type, int maxSize) {
        this.type = type;
        this.fallback = new WeakIdentityMap<Object, V>(maxSize);
    }

    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (key instanceof Slotted) {
            Object v = ((Slotted) key).sightline$slot();
            return type.isInstance(v) ? (V) v : null;
        }
        return fallback.get(key);
    }

    /** Puts (replacing any value); false when refused (a null key, or the weak map is full). */
    public boolean put(Object key, V value) {
        if (key instanceof Slotted) {
            ((Slotted) key).sightline$slot(value);
            return true;
        }
        return fallback.put(key, value);
    }

    /** Removes and returns the value of {@code key}, or null. */
    public V remove(Object key) {
        if (key instanceof Slotted) {
            V v = get(key);
            if (v != null) {
                ((Slotted) key).sightline$slot(null);
            }
            return v;
        }
        return fallback.remove(key);
    }

    /** Entries in the weak map (objects without a slot). */
    public int fallbackSize() {
        return fallback.size();
    }
}
