package io.sightline.storage.write;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.RowKeys.MapField;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.ServiceTypes;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;
import io.sightline.storage.Texts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Increment;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Row;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Server-map statistics: counts calls per minute and per (caller, callee) pair in memory and
 * flushes them as HBase increments, so any number of collectors add up to the right totals.
 *
 * <p>Each link is written on both of its ends: the callee's "in" row (peer = caller) and the
 * caller's "out" row (peer = callee), except that USER has no out row (it would be one hot row
 * for every application) and databases / HTTP hosts have no in row (the map is asked around an
 * application). Also records the endpoint (host:port) each application was called at.
 */
public final class MapStatsAggregator {
    private static final long ENDPOINT_REFRESH_MS = 3_600_000L;
    private final Connection connection;
    private Map<RowKey, Map<String, Counters>> pending = new HashMap<>();
    /** Largest max already written per (row, peer), so a flush only writes a new max when it grew. */
    private final Map<RowKey, Map<String, Long>> writtenMax = new HashMap<>();
    private final Map<String, Long> endpointsWritten = new ConcurrentHashMap<>();
    private final Map<String, String> pendingEndpoints = new HashMap<>();
    private final SpanCountingQueue incoming = new SpanCountingQueue(this, this::countSpans);
    private static final String USER_KEY = Texts.nodeKey(ServiceTypes.USER, ServiceTypes.USER);
    private static final int NODE_KEYS_MAX = 10_000;
    /** Node keys by service type and name (guarded by this). */
    private final Map<String, Map<String, String>> nodeKeys = new HashMap<>();
    private int nodeKeyCount;

    public MapStatsAggregator(Connection connection) {
        this.connection = connection;
    }

    /**
     * Counts new spans (never a span seen before: see {@link SpanStore#store}). Never waits for
     * another counting thread: the span lists are queued and counted by whichever caller is
     * counting already (committer threads used to spin on this object's monitor, which showed as
     * CPU in this method). Anything queued is counted before a flush or {@link #pendingRows}.
     */
    public void add(List<Span> spans) {
        incoming.add(spans);
    }

    private void countSpans(List<Span> spans) {
        for (Span s : spans) {
            String type = Texts.serviceType(s.getServiceType());
            String self = nodeKey(s.getApplicationName(), type);
            long minute = RowKeys.minute(s.getStartTime());
            if (s.getParentApplication().isEmpty()) {
                count(self, RowKeys.MAP_IN, minute, USER_KEY, s.getElapsed(), s.getError());
            } else {
                String parent = nodeKey(s.getParentApplication(), Texts.serviceType(s.getParentServiceType()));
                count(self, RowKeys.MAP_IN, minute, parent, s.getElapsed(), s.getError());
                count(parent, RowKeys.MAP_OUT, minute, self, s.getElapsed(), s.getError());
            }
            // the span's calls all land in one row (self, out, minute): found once per span; consecutive
            // calls to the same peer (a loop of queries) share the peer's counters without a lookup
            Map<String, Counters> out = null;
            String lastType = null;
            String lastDestination = null;
            Counters lastCounters = null;
            for (SpanEvent e : s.getEventsList()) {
                String eventType = e.getServiceType();
                String destination = e.getDestination();
                if (lastCounters == null || !eventType.equals(lastType) || !destination.equals(lastDestination)) {
                    String peer = peerOf(eventType, destination);
                    if (peer == null) {
                        continue;
                    }
                    if (out == null) {
                        out = pending.computeIfAbsent(new RowKey(self, RowKeys.MAP_OUT, minute), k -> new HashMap<>());
                    }
                    lastCounters = out.computeIfAbsent(peer, k -> new Counters());
                    lastType = eventType;
                    lastDestination = destination;
                }
                lastCounters.add(e.getElapsed(), e.getError());
            }
            if (!s.getEndpoint().isEmpty()) {
                String key = s.getEndpoint() + "\u0000" + self;
                Long last = endpointsWritten.get(key);
                if (last == null || System.currentTimeMillis() - last > ENDPOINT_REFRESH_MS) {
                    pendingEndpoints.put(key, self);
                }
            }
        }
    }

    /** The server-map node an event calls, or null when the event is not a remote call. */
    static String peerOf(SpanEvent e) {
        String type = e.getServiceType();
        if (ServiceTypes.isDatabase(type)) {
            String dest = e.getDestination().isEmpty() ? "unknown" : e.getDestination();
            return Texts.nodeKey(dest, type);
        }
        if (ServiceTypes.HTTP_CLIENT.equals(type) && !e.getDestination().isEmpty()) {
            return Texts.nodeKey(e.getDestination(), ServiceTypes.HTTP);
        }
        return null;
    }

    /** As {@link #peerOf(SpanEvent)}, with the node key taken from the key cache. */
    private String peerOf(String type, String destination) {
        if (ServiceTypes.isDatabase(type)) {
            return nodeKey(destination.isEmpty() ? "unknown" : destination, type);
        }
        if (ServiceTypes.HTTP_CLIENT.equals(type) && !destination.isEmpty()) {
            return nodeKey(destination, ServiceTypes.HTTP);
        }
        return null;
    }

    /**
     * {@link Texts#nodeKey} without building the string again for every span: few nodes, many
     * spans. The same String instance each time also keeps its hash code, so the pending maps do
     * not hash it again. Bounded: cleared when it grows past {@link #NODE_KEYS_MAX} names.
     */
    private String nodeKey(String name, String type) {
        Map<String, String> byName = nodeKeys.get(type);
        if (byName == null) {
            byName = new HashMap<>();
            nodeKeys.put(type, byName);
        }
        String key = byName.get(name);
        if (key == null) {
            if (++nodeKeyCount > NODE_KEYS_MAX) {
                nodeKeys.clear();
                nodeKeyCount = 1;
                byName = new HashMap<>();
                nodeKeys.put(type, byName);
            }
            key = Texts.nodeKey(name, type);
            byName.put(name, key);
        }
        return key;
    }

    private void count(String node, byte dir, long minute, String peer, long elapsed, boolean error) {
        Counters c = pending.computeIfAbsent(new RowKey(node, dir, minute), k -> new HashMap<>())
                .computeIfAbsent(peer, k -> new Counters());
        c.add(elapsed, error);
    }

    /** Rows (node, direction, minute) waiting for the next flush. */
    public synchronized int pendingRows() {
        incoming.drain();
        return pending.size();
    }

    /**
     * Writes what was counted since the last flush. What fails to be written is kept and written
     * by the next flush (increments carry nonces, so the client's own retries never double count).
     */
    public void flush() throws IOException {
        Map<RowKey, Map<String, Counters>> batch;
        Map<String, String> endpoints;
        Map<RowKey, Map<String, Long>> written;
        synchronized (this) {
            incoming.drain();
            if (pending.isEmpty() && pendingEndpoints.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
            endpoints = new HashMap<>(pendingEndpoints);
            pendingEndpoints.clear();
            written = new HashMap<>();
            for (RowKey k : batch.keySet()) {
                Map<String, Long> w = writtenMax.get(k);
                if (w != null) {
                    written.put(k, new HashMap<>(w));
                }
            }
        }
        List<Row> actions = new ArrayList<>(batch.size() * 2);
        List<RowKey> keys = new ArrayList<>(batch.size() * 2);
        Map<RowKey, Map<String, Long>> newMax = new HashMap<>();
        for (Map.Entry<RowKey, Map<String, Counters>> e : batch.entrySet()) {
            RowKey k = e.getKey();
            byte[] row = RowKeys.mapRow(k.node, k.dir, k.minute);
            Increment inc = new Increment(row);
            Put maxPut = new Put(row);
            Map<String, Long> w = written.getOrDefault(k, Map.of());
            for (Map.Entry<String, Counters> pc : e.getValue().entrySet()) {
                String peer = pc.getKey();
                Counters c = pc.getValue();
                addIf(inc, peer, MapField.UNDER_1S, c.under1s);
                addIf(inc, peer, MapField.UNDER_3S, c.under3s);
                addIf(inc, peer, MapField.UNDER_5S, c.under5s);
                addIf(inc, peer, MapField.SLOW, c.slow);
                addIf(inc, peer, MapField.ERROR, c.error);
                addIf(inc, peer, MapField.SUM, c.sum);
                Long before = w.get(peer);
                if (before == null || c.max > before) {
                    maxPut.addColumn(Tables.MAP_CF, RowKeys.mapMaxQualifier(peer, c.max), new byte[0]);
                    newMax.computeIfAbsent(k, x -> new HashMap<>()).put(peer, c.max);
                }
            }
            actions.add(inc);
            keys.add(k);
            if (!maxPut.isEmpty()) {
                actions.add(maxPut);
                keys.add(k);
            }
        }
        Object[] results = new Object[actions.size()];
        IOException failure = null;
        try (Table t = connection.getTable(Tables.MAP_STATS)) {
            t.batch(actions, results);
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException(e);
        }
        synchronized (this) {
            java.util.Set<RowKey> requeued = new java.util.HashSet<>();
            for (int i = 0; i < actions.size(); i++) {
                RowKey k = keys.get(i);
                boolean ok = results[i] != null && !(results[i] instanceof Throwable);
                boolean isIncrement = actions.get(i) instanceof Increment;
                if (ok && !isIncrement) {
                    Map<String, Long> nm = newMax.get(k);
                    if (nm != null) {
                        writtenMax.computeIfAbsent(k, x -> new HashMap<>()).putAll(nm);
                    }
                } else if (!ok && isIncrement && requeued.add(k)) {
                    // counters are kept; a failed max put is simply written again with them
                    Map<String, Counters> target = pending.computeIfAbsent(k, x -> new HashMap<>());
                    batch.get(k).forEach((peer, c) -> target.computeIfAbsent(peer, x -> new Counters()).merge(c));
                }
            }
            pruneWrittenMax();
        }
        if (!endpoints.isEmpty()) {
            List<Put> puts = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (Map.Entry<String, String> ep : endpoints.entrySet()) {
                String endpoint = ep.getKey().substring(0, ep.getKey().indexOf('\u0000'));
                puts.add(new Put(RowKeys.endpointRow(endpoint))
                        .addColumn(Tables.ENDPOINTS_CF, Bytes.toBytes(ep.getValue()), Bytes.toBytes(now)));
            }
            try (Table t = connection.getTable(Tables.ENDPOINTS)) {
                t.put(puts);
                for (String key : endpoints.keySet()) {
                    endpointsWritten.put(key, now);
                }
            } catch (IOException e) {
                synchronized (this) {
                    endpoints.forEach(pendingEndpoints::putIfAbsent);
                }
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void pruneWrittenMax() {
        long oldest = RowKeys.minute(System.currentTimeMillis()) - 30 * 60_000L;
        for (Iterator<RowKey> it = writtenMax.keySet().iterator(); it.hasNext(); ) {
            if (it.next().minute < oldest) {
                it.remove();
            }
        }
    }

    private static void addIf(Increment inc, String peer, byte field, long v) {
        if (v != 0) {
            inc.addColumn(Tables.MAP_CF, RowKeys.mapQualifier(peer, field), v);
        }
    }

    private record RowKey(String node, byte dir, long minute) {
    }

    /** Buckets as CONTRACT.md: successes by time; errors apart whatever their time. */
    static final class Counters {
        long under1s;
        long under3s;
        long under5s;
        long slow;
        long error;
        long sum;
        long max;

        void add(long elapsed, boolean isError) {
            long e = Math.max(0, elapsed);
            if (isError) {
                error++;
            } else if (e < 1000) {
                under1s++;
            } else if (e < 3000) {
                under3s++;
            } else if (e < 5000) {
                under5s++;
            } else {
                slow++;
            }
            sum += e;
            max = Math.max(max, e);
        }

        void merge(Counters o) {
            under1s += o.under1s;
            under3s += o.under3s;
            under5s += o.under5s;
            slow += o.slow;
            error += o.error;
            sum += o.sum;
            max = Math.max(max, o.max);
        }
    }
}
