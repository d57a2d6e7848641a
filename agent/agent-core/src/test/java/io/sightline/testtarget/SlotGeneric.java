package io.sightline.testtarget;

/** A generic class: its signature lists its interfaces too. */
public class SlotGeneric<T> implements Comparable<SlotGeneric<T>> {
    @Override
    public int compareTo(SlotGeneric<T> o) {
        return 0;
    }
}
