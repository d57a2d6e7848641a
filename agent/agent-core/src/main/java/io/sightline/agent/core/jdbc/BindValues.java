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
