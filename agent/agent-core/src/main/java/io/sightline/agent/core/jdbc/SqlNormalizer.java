package io.sightline.agent.core.jdbc;

/**
 * Turns SQL text into the form stored and shown: string and number literals become {@code ?},
 * runs of white space become one space; identifiers, keywords, comments' absence of values and
 * placeholders stay as written, so the text stays readable.
 */
public final class SqlNormalizer {
    private SqlNormalizer() {
    }

    /**
     * @param doubleQuotedIsString true for MySQL/MariaDB, where "..." is a string literal by
     *                             default; elsewhere it is a quoted identifier and kept
     */
    public static String normalize(String sql, boolean doubleQuotedIsString) {
        int n = sql.length();
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        boolean space = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            if (space) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                space = false;
            }
            if (c == '\'' || (c == '"' && doubleQuotedIsString)) {
                i = skipQuoted(sql, i, c);
                out.append('?');
            } else if (c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = skipQuoted(sql, i, close == ']' ? ']' : c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end); // comments carry no values worth hiding more than the SQL itself
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$' || Character.isLetter(sql.charAt(i + 1)))
                    && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                i = close < 0 ? n : close + tag.length();
                out.append('?');
            } else if (isNumberStart(sql, i)) {
                i = skipNumber(sql, i);
                out.append('?');
            } else if (Character.isLetter(c) || c == '_' || c == '$' || c == '@' || c == '#') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || "_$@#".indexOf(sql.charAt(i)) >= 0)) {
                    i++;
                }
                out.append(sql, start, i);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int skipQuoted(String sql, int from, char quote) {
        int n = sql.length();
        int i = from + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\\' && quote != ']' && quote != '`' && i + 1 < n) {
                i += 2; // MySQL-style escape; harmless elsewhere
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    /** End of a PostgreSQL dollar-quote tag ($$ or $tag$) starting at {@code at}; -1 if none. */
    private static int dollarTagEnd(String sql, int at) {
        int i = at + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
    }

    private static boolean isNumberStart(String sql, int i) {
        char c = sql.charAt(i);
        boolean digit = c >= '0' && c <= '9';
        boolean dotDigit = c == '.' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1));
        if (!digit && !dotDigit) {
            return false;
        }
        if (i == 0) {
            return true;
        }
        char p = sql.charAt(i - 1);
        // part of an identifier (t1, col_2) or a positional placeholder ($1, :1, ?1) stays
        return !(Character.isLetterOrDigit(p) || p == '_' || p == '$' || p == ':' || p == '?' || p == '.' && !dotDigit);
    }

    private static int skipNumber(String sql, int i) {
        int n = sql.length();
        if (sql.startsWith("0x", i) || sql.startsWith("0X", i)) {
            i += 2;
            while (i < n && Character.digit(sql.charAt(i), 16) >= 0) {
                i++;
            }
            return i;
        }
        while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
            i++;
        }
        if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
                j++;
            }
            if (j < n && Character.isDigit(sql.charAt(j))) {
                i = j;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }
}
