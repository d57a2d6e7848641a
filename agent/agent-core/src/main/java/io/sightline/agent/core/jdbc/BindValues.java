package io.sightline.agent.core.jdbc;

/** How a bound parameter value is shown: text cut to a length limit with "..." appended. */
public final class BindValues {
    private BindValues() {
    }

    /** The text of {@code value}, not cut; null for SQL NULL. Streams and large objects show their kind, not their content. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text;
        if (value instanceof String) {
            text = (String) value;
        } else if (value instanceof Number || value instanceof Boolean || value instanceof Character
                || value instanceof java.util.Date || value instanceof java.util.UUID || value instanceof Enum) {
            text = value.toString();
        } else if (value instanceof byte[]) {
            text = "(" + ((byte[]) value).length + " bytes)";
        } else if (value instanceof java.io.InputStream || value instanceof java.io.Reader
                || value instanceof java.sql.Blob || value instanceof java.sql.Clob) {
            text = "(" + simpleName(value.getClass()) + ")";
        } else if (isJavaTime(value)) {
            text = value.toString();
        } else {
            text = "(" + simpleName(value.getClass()) + ")";
        }
        return text;
    }

    /**
     * What to keep of {@code value} on the application's thread: the value itself when it is
     * immutable and its text is known to be short (boxed primitives, UUIDs, java.time values, each
     * under {@link #KEEP_AS_IS_MAX} characters), so that it is formatted later on the sender's
     * thread ({@link BindList}); otherwise its text now (mutable values such as dates, and values
     * of unbounded length), which the caller cuts. Null for SQL NULL.
     */
    public static Object capture(Object value, int maxLength) {
        if (value == null || value instanceof String) {
            return value;
        }
        if (maxLength >= KEEP_AS_IS_MAX && keepsAsIs(value)) {
            return value;
        }
        return text(value);
    }

    /** Longest text of a value {@link #capture} keeps as is (a zoned date-time with a long region id). */
    public static final int KEEP_AS_IS_MAX = 128;

    private static boolean keepsAsIs(Object value) {
        Class<?> c = value.getClass();
        return c == Integer.class || c == Long.class || c == Short.class || c == Byte.class
                || c == Boolean.class || c == Character.class || c == Double.class || c == Float.class
                || c == java.util.UUID.class || c.getName().startsWith("java.time.");
    }

    /** {@code text} cut to {@code maxLength} characters, with "..." appended when cut. */
    public static String cut(String text, int maxLength) {
        return text.length() <= maxLength ? text : text.substring(0, maxLength) + "...";
    }

    private static boolean isJavaTime(Object value) {
        String n = value.getClass().getName();
        return n.startsWith("java.time.") || n.equals("java.math.BigDecimal") || n.equals("java.math.BigInteger");
    }

    private static String simpleName(Class<?> c) {
        String n = c.getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }
}
