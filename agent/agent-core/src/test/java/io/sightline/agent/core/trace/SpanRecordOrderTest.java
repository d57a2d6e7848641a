package io.sightline.agent.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sightline.agent.core.util.Backlog;
import io.sightline.protocol.ServiceTypes;

/** The call-tree order of a finished span's events, against a plain reference (map of child lists, sorted). */
class SpanRecordOrderTest {
    private static SpanRecord span(long startNanos, int maxEvents) {
        return new SpanRecord(new byte[16], 1, 0, true, 1_000_000L, startNanos, "TOMCAT", "GET", "/x", null, null,
                null, null, "t", maxEvents);
    }

    @Test
    void nestedSiblingsAndLeftOutRows() {
        SpanRecord s = span(0, 100);
        EventRecord a = s.beginEvent(10, null);
        EventRecord a1 = s.beginEvent(20, a);
        EventRecord open = s.beginEvent(25, a); // never ends: its child moves up to a
        EventRecord inOpen = s.beginEvent(26, open);
        s.endEvent(inOpen, 27);
        s.endEvent(a1, 30);
        s.endEvent(a, 40);
        EventRecord b = s.beginEvent(5, null); // began later, started earlier (another thread's clock read)
        s.endEvent(b, 50);
        s.finish(60);
        List<EventRecord> events = s.orderedEvents();
        assertEquals(4, events.size());
        assertSame(b, events.get(0));
        assertSame(a, events.get(1));
        assertSame(a1, events.get(2));
        assertSame(inOpen, events.get(3));
        int[] depths = {1, 1, 2, 2};
        for (int i = 0; i < 4; i++) {
            assertEquals(i + 1, events.get(i).sequence);
            assertEquals(depths[i], events.get(i).depth);
        }
        assertEquals(events, s.events());
    }

    @Test
    void theSenderReadsASpanHandedOverThroughTheBacklogWithoutItsMonitor() throws Exception {
        Backlog<SpanRecord> backlog = new Backlog<SpanRecord>(10);
        Thread request = new Thread(() -> {
            SpanRecord s = span(0, 2);
            EventRecord a = s.beginEvent(10, null);
            EventRecord b = s.beginEvent(5, null);
            s.beginEvent(20, null); // over the limit: dropped
            s.endEvent(a, 30);
            s.endEvent(b, 40);
            s.finish(50);
            s.beginEvent(60, null); // after the end: neither kept nor counted
            backlog.offer(s);
        });
        request.start();
        request.join();
        List<SpanRecord> taken = new ArrayList<SpanRecord>();
        backlog.drainTo(taken, 10);
        SpanRecord s = taken.get(0);
        List<EventRecord> events = s.orderedEventsAfterHandOff();
        assertEquals(2, events.size());
        assertEquals(5, events.get(0).startNanos); // b first: it started first
        assertEquals(10, events.get(1).startNanos);
        assertEquals(1, events.get(0).sequence);
        assertEquals(2, events.get(1).sequence);
        assertEquals(1, s.droppedEventsAfterHandOff());
        // ordered once; the same answers as the synchronized readers
        assertSame(events, s.orderedEventsAfterHandOff());
        assertEquals(events, s.orderedEvents());
        assertEquals(s.droppedEvents(), s.droppedEventsAfterHandOff());
    }

    @Test
    void randomTreesMatchTheReference() {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            SpanRecord s = span(0, 1000);
            List<EventRecord> begun = new ArrayList<EventRecord>();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                EventRecord parent = begun.isEmpty() || r.nextInt(4) == 0 ? null : begun.get(r.nextInt(begun.size()));
                long start = r.nextInt(3) == 0 ? 100 : r.nextInt(50); // many ties
                EventRecord e = s.beginEvent(start, parent);
                if (r.nextInt(8) == 0) {
                    e.serviceType = ServiceTypes.ASYNC; // ends with the span
                }
                begun.add(e);
            }
            for (EventRecord e : begun) {
                if (r.nextInt(5) != 0) {
                    s.endEvent(e, 200);
                }
            }
            List<EventRecord> expected = reference(begun);
            s.finish(300);
            List<EventRecord> actual = s.orderedEvents();
            assertEquals(expected.size(), actual.size(), "round " + round);
            for (int i = 0; i < expected.size(); i++) {
                assertSame(expected.get(i), actual.get(i), "round " + round + " row " + i);
                assertEquals(i + 1, actual.get(i).sequence);
            }
            for (EventRecord e : actual) {
                assertEquals(depthOf(e), e.depth, "round " + round);
            }
        }
    }

    /** Expected order: ended (or async) rows, each under its nearest kept ancestor, depth first, siblings by start then begun. */
    private static List<EventRecord> reference(List<EventRecord> begun) {
        final Map<EventRecord, Integer> index = new IdentityHashMap<EventRecord, Integer>();
        for (int i = 0; i < begun.size(); i++) {
            index.put(begun.get(i), i);
        }
        Comparator<EventRecord> byStart = (x, y) -> x.startNanos != y.startNanos
                ? Long.compare(x.startNanos, y.startNanos) : Integer.compare(index.get(x), index.get(y));
        Map<EventRecord, List<EventRecord>> children = new IdentityHashMap<EventRecord, List<EventRecord>>();
        List<EventRecord> top = new ArrayList<EventRecord>();
        for (EventRecord e : begun) {
            if (!kept(e)) {
                continue;
            }
            EventRecord p = e.parent;
            while (p != null && !kept(p)) {
                p = p.parent;
            }
            (p == null ? top : children.computeIfAbsent(p, k -> new ArrayList<EventRecord>())).add(e);
        }
        List<EventRecord> out = new ArrayList<EventRecord>();
        walk(top, children, byStart, out);
        return out;
    }

    private static boolean kept(EventRecord e) {
        return e.ended || ServiceTypes.ASYNC.equals(e.serviceType);
    }

    private static void walk(List<EventRecord> siblings, Map<EventRecord, List<EventRecord>> children,
                             Comparator<EventRecord> byStart, List<EventRecord> out) {
        Collections.sort(siblings, byStart);
        for (EventRecord e : siblings) {
            out.add(e);
            List<EventRecord> c = children.get(e);
            if (c != null) {
                walk(c, children, byStart, out);
            }
        }
    }

    private static int depthOf(EventRecord e) {
        int d = 1;
        for (EventRecord p = e.parent; p != null; p = p.parent) {
            if (p.ended) {
                d++;
            }
        }
        return d;
    }
}
