package io.sightline.agent.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TextCacheTest {
    /** {@code text} inside a larger buffer, as a server holds it. */
    static byte[] inBuffer(String text) {
        return ("GET " + text + " HTTP/1.1").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theSameBytesGiveTheSameStringWhereverTheyLie() {
        TextCache cache = new TextCache(16);
        byte[] a = inBuffer("/owners/1");
        String first = cache.text(a, 4, 4 + 9, StandardCharsets.UTF_8);
        assertThat(first).isEqualTo("/owners/1");
        byte[] b = ("xx/owners/1").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(cache.text(b, 2, b.length, StandardCharsets.ISO_8859_1)).isSameAs(first);
        assertThat(cache.text(a, 4, 4 + 8, StandardCharsets.UTF_8)).isEqualTo("/owners/");
        assertThat(cache.text(a, 4, 4, StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void differentBytesInTheSameSlotAreNeverMistakenForEachOther() {
        TextCache cache = new TextCache(2); // every text competes for two slots
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                String path = "/p/" + i;
                byte[] bytes = path.getBytes(StandardCharsets.US_ASCII);
                assertThat(cache.text(bytes, 0, bytes.length, StandardCharsets.US_ASCII)).isEqualTo(path);
            }
        }
        // same hash, same length, different bytes ("Aa" and "BB" hash alike)
        byte[] aa = "Aa".getBytes(StandardCharsets.US_ASCII);
        byte[] bb = "BB".getBytes(StandardCharsets.US_ASCII);
        assertThat(cache.text(aa, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("Aa");
        assertThat(cache.text(bb, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("BB");
    }

    @Test
    void leavesToTheCallerWhatItCannotBeSureOf() {
        TextCache cache = new TextCache(16);
        byte[] utf8 = "/caf\u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.text(utf8, 0, utf8.length, StandardCharsets.UTF_8)).isNull(); // not ASCII
        byte[] ascii = "/cafe".getBytes(StandardCharsets.US_ASCII);
        assertThat(cache.text(ascii, 0, ascii.length, StandardCharsets.UTF_16)).isNull(); // not ASCII-compatible
        assertThat(cache.text(ascii, 0, ascii.length, null)).isNull();
        assertThat(cache.text(ascii, 3, 2, StandardCharsets.UTF_8)).isNull();
        assertThat(cache.text(ascii, 0, 99, StandardCharsets.UTF_8)).isNull();
        assertThat(cache.text(null, 0, 0, StandardCharsets.UTF_8)).isNull();
        assertThat(cache.text(ascii, 0, ascii.length, Charset.forName("windows-1252"))).isNull();
    }

    @Test
    void longTextsAreRightButNotKept() {
        TextCache cache = new TextCache(16);
        StringBuilder b = new StringBuilder("/");
        while (b.length() <= TextCache.MAX_LENGTH) {
            b.append("segment/");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        String first = cache.text(bytes, 0, bytes.length, StandardCharsets.UTF_8);
        assertThat(first).isEqualTo(b.toString());
        assertThat(cache.text(bytes, 0, bytes.length, StandardCharsets.UTF_8)).isEqualTo(first).isNotSameAs(first);
    }
}
