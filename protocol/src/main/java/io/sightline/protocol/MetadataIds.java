package io.sightline.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Stable 64-bit ids for metadata texts (SQL, API descriptors, strings).
 *
 * <p>The id depends only on the kind and the text, so every agent and every collector computes
 * the same id for the same text and a text is stored once however many agents send it.
 */
public final class MetadataIds {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private MetadataIds() {
    }

    /** Id of {@code text} of the given kind (the MetadataEntry.Kind number); never 0. */
    public static long of(int kind, String text) {
        long h = FNV_OFFSET ^ kind;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= (b & 0xff);
            h *= FNV_PRIME;
        }
        h ^= bytes.length;
        // final avalanche (splitmix64) so that similar texts get unrelated ids
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h = h ^ (h >>> 31);
        return h == 0 ? 1 : h;
    }
}
