package io.sightline.agent.core.util;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A concurrent map from objects we do not own (statements, connections, HTTP requests) to our
 * state about them, compared by identity and held weakly: an entry goes when its key is
 * collected, so the agent can't keep an application's objects alive. Used where a field cannot
 * be added to the class (JDK classes, classes already loaded).
 *
 * <p>Written for the application's threads, which use it several times per request: an entry is
 * one object (the weak reference itself holds the value and the chain), and a lookup allocates
 * nothing (a ConcurrentHashMap of weak keys cost a key, a node and, for each lookup, a probe
 * key). Reads take no lock; writes lock one of {@value #SEGMENTS} segments. A segment grows by
 * copying its entries into a new table, so a reader walking the old one still sees whole chains.
 *
 * <p>A write touches nothing shared beyond its segment: each segment counts its own entries and
 * holds at most its share of {@code maxSize} (a total counter updated by every put and remove
 * was one contended atomic per write, across all cores). An entry is published with a release
 * store, not a volatile one: the reader's volatile read of the bucket (or of the table, after a
 * grow) sees it whole, with everything down its chain.
 */
public final class WeakIdentityMap<K, V> {
    private static final int SEGMENTS = 16;
    private static final int SEGMENT_SHIFT = 28; // the top 4 bits of the spread hash pick the segment

    private final Segment[] segments = new Segment[SEGMENTS];
    private final ReferenceQueue<Object> queue = new ReferenceQueue<Object>();
    /** Entries one segment holds at most. */
    private final int segmentMax;

    /**
     * @param maxSize entries beyond this are refused (a safety net if keys never die); it is
     *                shared out evenly among the segments (at least one entry each), so a put can
     *                be refused a little before the whole map holds {@code maxSize}
     */
    public WeakIdentityMap(int maxSize) {
        this.segmentMax = Math.max(1, (maxSize + SEGMENTS - 1) / SEGMENTS);
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
    }

    @SuppressWarnings("unchecked")
    public V get(K key) {
        if (key == null) {
            return null;
        }
        int h = hash(key);
        Entry e = segmentOf(h).find(key, h);
        return e == null ? null : (V) e.value();
    }

    /** Puts (replacing the value of a key already there) unless the map is full; returns false when refused. */
    public boolean put(K key, V value) {
        if (key == null) {
            return false;
        }
        expunge();
        int h = hash(key);
        return segmentOf(h).put(key, h, value, this);
    }

    @SuppressWarnings("unchecked")
    public V remove(K key) {
        if (key == null) {
            return null;
        }
        int h = hash(key);
        Entry e = segmentOf(h).remove(key, h, null, this);
        return e == null ? null : (V) e.value();
    }

    public int size() {
        expunge();
        int n = 0;
        for (Segment s : segments) {
            n += s.count();
        }
        return n;
    }

    private void expunge() {
        Object ref;
        while ((ref = queue.poll()) != null) {
            Entry e = (Entry) ref;
            segmentOf(e.hash).remove(null, e.hash, e, this);
        }
    }

    private static int hash(Object key) {
        int h = System.identityHashCode(key);
        return h ^ (h >>> 16) ^ (h << 7); // identity hashes can be poor in the high bits
    }

    private Segment segmentOf(int hash) {
        return segments[hash >>> SEGMENT_SHIFT];
    }

    /**
     * A weak key with its value and the next entry of its bucket. {@code next} changes only when
     * the entry behind it is unlinked (under the segment's lock): a reader that sees it before or
     * after the change reaches the same live entries, all published before it. {@code value} is
     * replaced in place (a reader walking the chain must find the key whatever its value), with
     * a release store a reader's volatile read pairs with, and is first set the same way: a
     * volatile write in the constructor would cost a full fence per put.
     */
    private static final class Entry extends WeakReference<Object> {
        private static final AtomicReferenceFieldUpdater<Entry, Object> VALUE =
                AtomicReferenceFieldUpdater.newUpdater(Entry.class, Object.class, "value");

        final int hash;
        private volatile Object value;
        Entry next;

        Entry(Object key, int hash, Object value, Entry next, ReferenceQueue<Object> queue) {
            super(key, queue);
            this.hash = hash;
            this.next = next;
            VALUE.lazySet(this, value);
        }

        Object value() {
            return value;
        }

        void replace(Object v) {
            VALUE.lazySet(this, v);
        }
    }

    private static final class Segment {
        private volatile AtomicReferenceArray<Entry> table = new AtomicReferenceArray<Entry>(8);
        /** Entries in this segment; guarded by this. */
        private int count;

        Entry find(Object key, int h) {
            AtomicReferenceArray<Entry> t = table;
            for (Entry e = t.get(h & (t.length() - 1)); e != null; e = e.next) {
                if (e.hash == h && e.get() == key) {
                    return e;
                }
            }
            return null;
        }

        synchronized int count() {
            return count;
        }

        synchronized boolean put(Object key, int h, Object value, WeakIdentityMap<?, ?> map) {
            Entry known = find(key, h);
            if (known != null) {
                known.replace(value);
                return true;
            }
            if (count >= map.segmentMax) {
                return false;
            }
            AtomicReferenceArray<Entry> t = table;
            if (count >= t.length() * 3 / 4) {
                t = grow(t, map);
            }
            int i = h & (t.length() - 1);
            // release store: the entry is whole before a reader's volatile read of the bucket sees it
            t.lazySet(i, new Entry(key, h, value, t.get(i), map.queue));
            count++;
            return true;
        }

        /** Removes the entry of {@code key}, or {@code entry} itself (an expunged reference); returns it. */
        synchronized Entry remove(Object key, int h, Entry entry, WeakIdentityMap<?, ?> map) {
            AtomicReferenceArray<Entry> t = table;
            int i = h & (t.length() - 1);
            for (Entry e = t.get(i); e != null; e = e.next) {
                if (entry != null ? e == entry : e.hash == h && e.get() == key) {
                    unlink(t, i, e);
                    return e;
                }
            }
            return null;
        }

        /** Unlinks {@code e}, which is in bucket {@code i} of {@code t}; guarded by this. */
        private void unlink(AtomicReferenceArray<Entry> t, int i, Entry e) {
            // readers standing on e still find its successors: e.next is left as it is
            Entry head = t.get(i);
            if (head == e) {
                t.lazySet(i, e.next);
            } else {
                Entry prev = head;
                while (prev.next != e) {
                    prev = prev.next;
                }
                prev.next = e.next;
            }
            count--;
        }

        /**
         * A table twice as large holding copies of the live entries: the old table and its chains
         * stay untouched for readers still walking them. Entries whose key is gone are dropped
         * here (their references, no longer in any table, are ignored when they come off the queue).
         */
        private AtomicReferenceArray<Entry> grow(AtomicReferenceArray<Entry> old, WeakIdentityMap<?, ?> map) {
            AtomicReferenceArray<Entry> t = new AtomicReferenceArray<Entry>(old.length() * 2);
            int live = 0;
            for (int b = 0; b < old.length(); b++) {
                for (Entry e = old.get(b); e != null; e = e.next) {
                    Object key = e.get();
                    if (key == null) {
                        continue;
                    }
                    int i = e.hash & (t.length() - 1);
                    t.lazySet(i, new Entry(key, e.hash, e.value(), t.get(i), map.queue));
                    live++;
                }
            }
            count = live;
            table = t; // a volatile write: readers of the new table see its entries whole
            return t;
        }
    }
}
