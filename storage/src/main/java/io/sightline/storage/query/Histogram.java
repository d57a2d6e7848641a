package io.sightline.storage.query;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Response-time buckets: successes under 1 s, 3 s, 5 s, and at or over 5 s ("slow"); errors
 * whatever their time. The JSON names are those of CONTRACT.md.
 */
public record Histogram(@JsonProperty("1s") long under1s, @JsonProperty("3s") long under3s,
                        @JsonProperty("5s") long under5s, @JsonProperty("slow") long slow,
                        @JsonProperty("error") long error) {

    public static final Histogram EMPTY = new Histogram(0, 0, 0, 0, 0);

    public long total() {
        return under1s + under3s + under5s + slow + error;
    }

    public Histogram plus(Histogram o) {
        return new Histogram(under1s + o.under1s, under3s + o.under3s, under5s + o.under5s,
                slow + o.slow, error + o.error);
    }
}
