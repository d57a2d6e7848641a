package io.sightline.agent.core.jdbc;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The bind values of one JDBC call as the event keeps them: texts, nulls (SQL NULL) and values
 * kept as they were bound ({@link BindValues#capture}), which become text when first read, on
 * the sender's thread. Read by one thread at a time (the application's thread hands the event
 * over with its span).
 */
public final class BindList extends AbstractList<String> implements RandomAccess {
    private final Object[] values;
    private final int size;

    /** Takes {@code values} over: the caller must not keep or change the array. */
    public BindList(Object[] values) {
        this(values, values.length);
    }

    /**
     * The first {@code size} of {@code values}, taken over: the caller must not change them any
     * more (a statement that binds again copies its array first).
     */
    public BindList(Object[] values, int size) {
        this.values = values;
        this.size = Math.min(size, values.length);
    }

    @Override
    public String get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        Object v = values[index];
        if (v == null || v instanceof String) {
            return (String) v;
        }
        String text = BindValues.text(v);
        values[index] = text;
        return text;
    }

    @Override
    public int size() {
        return size;
    }
}
