package io.sightline.agent.core.util;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between application threads and the sender. {@link #offer} never blocks
 * (beyond a short lock) and never grows past the capacity: when full, the oldest element is
 * dropped and counted.
 */
public final class Backlog<T> {
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();

    public Backlog(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<T>(Math.min(capacity, 1024));
    }

    /** Adds {@code item}, dropping the oldest when full. */
    public void offer(T item) {
        lock.lock();
        try {
            if (items.size() >= capacity) {
                items.pollFirst();
                dropped.incrementAndGet();
            }
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} of the oldest items into {@code into}; returns how many. */
    public int drainTo(List<T> into, int max) {
        lock.lock();
        try {
            int n = 0;
            while (n < max && !items.isEmpty()) {
                into.add(items.pollFirst());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an item is there or the time is up; true when not empty. */
    public boolean awaitNotEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Items dropped because the backlog was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Counts items lost elsewhere (e.g. refused by the collector) with the drops. */
    public void countDropped(long n) {
        dropped.addAndGet(n);
    }
}
