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

    /** Takes {@code values} over: the caller must not keep or change the array. */
    public BindList(Object[] values) {
        this.values = values;
    }

    @Override
    public String get(int index) {
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
        return values.length;
    }
}
