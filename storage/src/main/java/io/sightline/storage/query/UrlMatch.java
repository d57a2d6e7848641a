package io.sightline.storage.query;

/**
 * The {@code url} filter: a case-sensitive substring of the URI, or, when the text contains
 * {@code *}, a glob that must match the whole path ({@code *} matches any run of characters,
 * including {@code /}).
 */
public record UrlMatch(String text, boolean glob) {

    /** Throws IllegalArgumentException for an empty or over-long pattern. */
    public static UrlMatch parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("url must not be empty");
        }
        if (text.length() > 2048) {
            throw new IllegalArgumentException("url must be at most 2048 characters");
        }
        return new UrlMatch(text, text.indexOf('*') >= 0);
    }

    /** Whether {@code uri} matches, by the rules above. */
    public boolean matches(String uri) {
        if (uri == null) {
            return false;
        }
        if (!glob) {
            return uri.contains(text);
        }
        return globToRegex().matcher(uri).matches();
    }

    /** The glob as an anchored regular expression (all other characters literal). */
    public java.util.regex.Pattern globToRegex() {
        StringBuilder re = new StringBuilder();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '*') {
                if (i > start) {
                    re.append(java.util.regex.Pattern.quote(text.substring(start, i)));
                }
                re.append(".*");
                start = i + 1;
            }
        }
        if (start < text.length()) {
            re.append(java.util.regex.Pattern.quote(text.substring(start)));
        }
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
    }
}
