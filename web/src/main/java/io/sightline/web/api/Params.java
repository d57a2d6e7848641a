package io.sightline.web.api;

import io.sightline.storage.query.IpRange;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.query.UrlMatch;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and validates request parameters. Every failure is a {@link BadParameterException} whose
 * message starts with the parameter's name.
 */
public final class Params {
    static final int MAX_NAME_LENGTH = 1024;
    private static final Pattern TRANSACTION_ID = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,19}");

    private final Map<String, String[]> values;

    public Params(Map<String, String[]> values) {
        this.values = values;
    }

    /** The single value of {@code name}, or null when absent; a repeated parameter is an error. */
    public String optional(String name) {
        String[] v = values.get(name);
        if (v == null || v.length == 0) {
            return null;
        }
        if (v.length > 1) {
            throw new BadParameterException(name, name + " is given " + v.length + " times; give it once");
        }
        return v[0];
    }

    public String required(String name) {
        String v = optional(name);
        if (v == null || v.isBlank()) {
            throw new BadParameterException(name, name + " is required");
        }
        return v;
    }

    /** A name-like value (application, agent id): non-blank, bounded, no control characters. */
    public String name(String name, boolean required) {
        String v = required ? required(name) : optional(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            throw new BadParameterException(name, name + " must not be empty");
        }
        checkName(name, v);
        return v;
    }

    static String checkName(String name, String v) {
        if (v.length() > MAX_NAME_LENGTH) {
            throw new BadParameterException(name, name + " must be at most " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new BadParameterException(name, name + " must not contain control characters");
            }
        }
        return v;
    }

    public Long longValue(String name, boolean required, long min, long max) {
        String v = required ? required(name) : optional(name);
        if (v == null) {
            return null;
        }
        String s = v.trim();
        long n;
        try {
            if (!NUMBER.matcher(s).matches()) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, name + " must be a whole number, got \"" + shorten(v) + "\"");
        }
        if (n < min || n > max) {
            throw new BadParameterException(name, name + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    public Boolean bool(String name) {
        String v = optional(name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new BadParameterException(name, name + " must be true or false, got \"" + shorten(v) + "\"");
        };
    }

    /** [from, to): both required, from < to. */
    public long[] window() {
        long from = longValue("from", true, 0, Long.MAX_VALUE);
        long to = longValue("to", true, 0, Long.MAX_VALUE);
        if (from >= to) {
            throw new BadParameterException("from", "from must be less than to (from=" + from + ", to=" + to + ")");
        }
        return new long[] {from, to};
    }

    /** The filters shared by scatter and transactions (CONTRACT.md). */
    public TransactionQuery transactionQuery() {
        String application = name("application", true);
        long[] w = window();
        Long minElapsed = longValue("minElapsed", false, 0, Long.MAX_VALUE);
        Long maxElapsed = longValue("maxElapsed", false, 0, Long.MAX_VALUE);
        if (minElapsed != null && maxElapsed != null && minElapsed > maxElapsed) {
            throw new BadParameterException("minElapsed",
                    "minElapsed must not exceed maxElapsed (minElapsed=" + minElapsed + ", maxElapsed=" + maxElapsed + ")");
        }
        Boolean error = bool("error");
        IpRange clientIp = null;
        String ip = optional("clientIp");
        if (ip != null) {
            try {
                clientIp = IpRange.parse(ip);
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("clientIp", named("clientIp", e.getMessage()));
            }
        }
        UrlMatch url = null;
        String u = optional("url");
        if (u != null) {
            try {
                url = UrlMatch.parse(u);
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("url", named("url", e.getMessage()));
            }
        }
        String agentId = name("agentId", false);
        Long limit = longValue("limit", false, 1, TransactionQuery.MAX_LIMIT);
        String cursor = optional("cursor");
        if (cursor != null) {
            if (cursor.isEmpty() || cursor.length() > 4096 || !cursor.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new BadParameterException("cursor", "cursor is not a value returned as next by a previous page");
            }
        }
        return new TransactionQuery(application, w[0], w[1], minElapsed, maxElapsed, error, clientIp, url,
                agentId, limit == null ? TransactionQuery.DEFAULT_LIMIT : limit.intValue(), cursor);
    }

    /** A transaction id from the path: 32 hex digits, returned in lower case. */
    public static String transactionId(String id) {
        if (id == null || !TRANSACTION_ID.matcher(id).matches()) {
            throw new BadParameterException("transactionId",
                    "transactionId must be 32 hexadecimal digits, got \"" + shorten(id) + "\"");
        }
        return id.toLowerCase(java.util.Locale.ROOT);
    }

    private static String named(String name, String message) {
        String m = message == null ? "is not valid" : message;
        return m.startsWith(name) ? m : name + ": " + m;
    }

    static String shorten(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length() && i < 64; i++) {
            char c = v.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return v.length() > 64 ? b + "..." : b.toString();
    }
}
