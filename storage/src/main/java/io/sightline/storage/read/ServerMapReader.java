package io.sightline.storage.read;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.RowKeys.MapField;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.ServiceTypes;
import io.sightline.storage.Texts;
import io.sightline.storage.query.Histogram;
import io.sightline.storage.query.ServerMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * Builds the server map around an application from the per-minute statistics (never from
 * traces): links into and out of it, then onward links of the applications it reaches.
 */
final class ServerMapReader {
    /** How many hops beyond the application's own callees are followed. */
    static final int ONWARD_DEPTH = 3;
    private final Connection connection;

    ServerMapReader(Connection connection) {
        this.connection = connection;
    }

    /** Sums of one link over the window. */
    private static final class LinkSum {
        long under1s, under3s, under5s, slow, error, sum, max;

        Histogram histogram() {
            return new Histogram(under1s, under3s, under5s, slow, error);
        }
    }

    ServerMap read(String application, String serviceType, long from, long to) throws IOException {
        String self = Texts.nodeKey(application, serviceType);
        // key "from\u0000to" -> sums, in discovery order
        Map<String, LinkSum> links = new LinkedHashMap<>();
        if (from < to) {
            try (Table t = connection.getTable(Tables.MAP_STATS)) {
                readRows(t, self, RowKeys.MAP_IN, from, to, links);
                Set<String> visited = new HashSet<>();
                Deque<String[]> queue = new ArrayDeque<>();
                queue.add(new String[] {self, "0"});
                while (!queue.isEmpty()) {
                    String[] item = queue.poll();
                    String node = item[0];
                    int depth = Integer.parseInt(item[1]);
                    if (!visited.add(node)) {
                        continue;
                    }
                    for (String callee : readRows(t, node, RowKeys.MAP_OUT, from, to, links)) {
                        if (isApplication(callee) && depth < ONWARD_DEPTH && !visited.contains(callee)) {
                            queue.add(new String[] {callee, Integer.toString(depth + 1)});
                        }
                    }
                }
            }
            hideHttpNodesOfInstrumentedApplications(links);
        }
        return toMap(self, links);
    }

    /** Reads one node's rows in one direction; returns the peers seen. */
    private List<String> readRows(Table t, String node, byte dir, long from, long to, Map<String, LinkSum> links)
            throws IOException {
        Scan scan = new Scan()
                .withStartRow(RowKeys.mapRow(node, dir, RowKeys.minute(from)), true)
                .withStopRow(RowKeys.mapRow(node, dir, to), false)
                .addFamily(Tables.MAP_CF)
                .setCaching(500);
        Map<String, LinkSum> found = new LinkedHashMap<>();
        try (ResultScanner rs = t.getScanner(scan)) {
            for (Result r : rs) {
                for (Cell c : r.rawCells()) {
                    RowKeys.MapQualifier q = RowKeys.parseMapQualifier(CellUtil.cloneQualifier(c));
                    if (q == null) {
                        continue;
                    }
                    LinkSum s = found.computeIfAbsent(q.peerKey(), k -> new LinkSum());
                    if (q.field() == MapField.MAX) {
                        s.max = Math.max(s.max, q.max());
                        continue;
                    }
                    if (c.getValueLength() != 8) {
                        continue;
                    }
                    long v = RowKeys.getLong(c.getValueArray(), c.getValueOffset());
                    switch (q.field()) {
                        case MapField.UNDER_1S -> s.under1s += v;
                        case MapField.UNDER_3S -> s.under3s += v;
                        case MapField.UNDER_5S -> s.under5s += v;
                        case MapField.SLOW -> s.slow += v;
                        case MapField.ERROR -> s.error += v;
                        case MapField.SUM -> s.sum += v;
                        default -> { }
                    }
                }
            }
        }
        for (Map.Entry<String, LinkSum> e : found.entrySet()) {
            String key = dir == RowKeys.MAP_IN ? e.getKey() + "\u0000" + node : node + "\u0000" + e.getKey();
            // both ends of an application-to-application link hold the same counts: keep one
            links.putIfAbsent(key, e.getValue());
        }
        return new ArrayList<>(found.keySet());
    }

    /**
     * A caller's HTTP call to the endpoint of an instrumented application it is linked to is
     * already drawn as the application link: drop the HTTP host node for it.
     */
    private void hideHttpNodesOfInstrumentedApplications(Map<String, LinkSum> links) throws IOException {
        List<String> httpKeys = new ArrayList<>();
        for (String k : links.keySet()) {
            if (type(to(k)).equals(ServiceTypes.HTTP)) {
                httpKeys.add(k);
            }
        }
        if (httpKeys.isEmpty()) {
            return;
        }
        List<Get> gets = new ArrayList<>();
        for (String k : httpKeys) {
            gets.add(new Get(RowKeys.endpointRow(name(to(k)))).addFamily(Tables.ENDPOINTS_CF));
        }
        Result[] results;
        try (Table t = connection.getTable(Tables.ENDPOINTS)) {
            results = t.get(gets);
        }
        for (int i = 0; i < httpKeys.size(); i++) {
            String k = httpKeys.get(i);
            String caller = from(k);
            for (Cell c : results[i].rawCells()) {
                String app = new String(CellUtil.cloneQualifier(c), StandardCharsets.UTF_8);
                if (links.containsKey(caller + "\u0000" + app)) {
                    links.remove(k);
                    break;
                }
            }
        }
    }

    private static ServerMap toMap(String self, Map<String, LinkSum> links) {
        Map<String, Histogram> incoming = new LinkedHashMap<>();
        Map<String, Histogram> outgoing = new HashMap<>();
        List<ServerMap.Link> outLinks = new ArrayList<>();
        incoming.put(self, Histogram.EMPTY);
        for (Map.Entry<String, LinkSum> e : links.entrySet()) {
            String from = from(e.getKey());
            String to = to(e.getKey());
            LinkSum s = e.getValue();
            Histogram h = s.histogram();
            long total = h.total();
            outLinks.add(new ServerMap.Link(from, to, total, h.error(), total == 0 ? 0 : (double) s.sum / total, s.max, h));
            incoming.putIfAbsent(from, Histogram.EMPTY);
            incoming.merge(to, h, Histogram::plus);
            outgoing.merge(from, h, Histogram::plus);
        }
        List<ServerMap.Node> nodes = new ArrayList<>();
        for (Map.Entry<String, Histogram> e : incoming.entrySet()) {
            String key = e.getKey();
            Histogram h = type(key).equals(ServiceTypes.USER) ? outgoing.getOrDefault(key, Histogram.EMPTY) : e.getValue();
            nodes.add(new ServerMap.Node(key, name(key), type(key), h.total(), h.error(), h));
        }
        return new ServerMap(nodes, outLinks);
    }

    private static boolean isApplication(String nodeKey) {
        String type = type(nodeKey);
        return !type.equals(ServiceTypes.HTTP) && !type.equals(ServiceTypes.USER) && !ServiceTypes.isDatabase(type);
    }

    private static String from(String linkKey) {
        return linkKey.substring(0, linkKey.indexOf('\u0000'));
    }

    private static String to(String linkKey) {
        return linkKey.substring(linkKey.indexOf('\u0000') + 1);
    }

    static String name(String nodeKey) {
        int i = nodeKey.lastIndexOf('^');
        return i < 0 ? nodeKey : nodeKey.substring(0, i);
    }

    static String type(String nodeKey) {
        int i = nodeKey.lastIndexOf('^');
        return i < 0 ? "" : nodeKey.substring(i + 1);
    }
}
