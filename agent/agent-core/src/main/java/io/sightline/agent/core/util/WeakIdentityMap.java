package io.sightline.agent.core.util;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map from objects we do not own (statements, connections, HTTP requests) to our
 * state about them, compared by identity and held weakly: an entry goes when its key is
 * collected, so the agent can't keep an application's objects alive. Used where a field cannot
 * be added to the class (JDK classes, classes already loaded).
 */
public final class WeakIdentityMap<K, V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<Object, V>();
    private final ReferenceQueue<K> queue = new ReferenceQueue<K>();
    private final int maxSize;

    /** @param maxSize entries beyond this are refused (a safety net if keys never die) */
    public WeakIdentityMap(int maxSize) {
        this.maxSize = maxSize;
    }

    public V get(K key) {
        return map.get(new Lookup(key));
    }

    /** Puts unless the map is full; returns false when refused. */
    public boolean put(K key, V value) {
        expunge();
        if (map.size() >= maxSize) {
            return false;
        }
        map.put(new WeakKey<K>(key, queue), value);
        return true;
    }

    public V remove(K key) {
        return map.remove(new Lookup(key));
    }

    public int size() {
        expunge();
        return map.size();
    }

    private void expunge() {
        Object ref;
        while ((ref = queue.poll()) != null) {
            map.remove(ref);
        }
    }

    private static final class WeakKey<K> extends WeakReference<K> {
        private final int hash;

        WeakKey(K key, ReferenceQueue<K> queue) {
            super(key, queue);
            hash = System.identityHashCode(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            Object mine = get();
            if (mine == null) {
                return false;
            }
            if (o instanceof WeakKey) {
                return ((WeakKey<?>) o).get() == mine;
            }
            return o instanceof Lookup && ((Lookup) o).key == mine;
        }
    }

    /** A strong key for lookups, equal to the weak key of the same object. */
    private static final class Lookup {
        final Object key;
        final int hash;

        Lookup(Object key) {
            this.key = key;
            this.hash = System.identityHashCode(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (o instanceof WeakKey) {
                return ((WeakKey<?>) o).get() == key;
            }
            return o instanceof Lookup && ((Lookup) o).key == key;
        }
    }
}
