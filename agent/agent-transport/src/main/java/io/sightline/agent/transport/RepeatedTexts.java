package io.sightline.agent.transport;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of texts that come back span after span: the agent's id and application, a
 * thread's name, a URI, an API name, a destination. They are mostly the very same String
 * objects each time (the tracer keeps them in caches), and encoding them anew for every span,
 * once to size it and once to write it, was a fifth of the sender's CPU.
 *
 * <p>A text is encoded once on its second sighting and kept in a small direct-mapped table by its
 * hash, compared by identity: an equal text in another String object is a miss, which only costs
 * what it cost before. Only the sizing pass counts sightings ({@link #sized}); the writing pass
 * reads ({@link #known}) and falls back to the text itself when a later text of the same span took
 * the slot in between: either way both passes agree on the size, since protobuf writes a string
 * as the same bytes as {@code getBytes(UTF_8)}. Long texts are not kept, so the table holds at
 * most {@value #SLOTS} texts of {@value #MAX_CHARS} characters. One sender thread uses it; not
 * thread safe.
 */
final class RepeatedTexts {
    static final int SLOTS = 512;
    static final int MAX_CHARS = 512;

    private final String[] texts = new String[SLOTS];
    private final byte[][] bytes = new byte[SLOTS][];

    /**
     * For the sizing pass, once per text per span: its bytes when this String was seen before
     * (encoded now on the second sighting), else null, remembering it.
     */
    byte[] sized(String text) {
        if (text.length() > MAX_CHARS) {
            return null;
        }
        int i = slot(text);
        if (texts[i] == text) {
            byte[] b = bytes[i];
            if (b == null) {
                b = text.getBytes(StandardCharsets.UTF_8);
                bytes[i] = b;
            }
            return b;
        }
        texts[i] = text;
        bytes[i] = null;
        return null;
    }

    /** For the writing pass: the bytes kept for this String, or null. */
    byte[] known(String text) {
        int i = slot(text);
        return texts[i] == text ? bytes[i] : null;
    }

    private static int slot(String text) {
        int h = text.hashCode(); // cached in the String after its first use
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
