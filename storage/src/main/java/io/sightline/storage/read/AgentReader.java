package io.sightline.storage.read;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.PoolStat;
import io.sightline.storage.Texts;
import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/** Agents, applications and JVM statistics. */
final class AgentReader {
    private final Connection connection;
    private final long disconnectedAfterMs;

    AgentReader(Connection connection, long disconnectedAfterMs) {
        this.connection = connection;
        this.disconnectedAfterMs = disconnectedAfterMs;
    }

    List<Application> applications(long now) throws IOException {
        Map<String, List<Agent>> byApp = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        try (Table t = connection.getTable(Tables.AGENTS); ResultScanner rs = t.getScanner(new Scan().addFamily(Tables.AGENTS_CF))) {
            for (Result r : rs) {
                AgentInfo info = info(r);
                if (info == null) {
                    continue;
                }
                byApp.computeIfAbsent(info.getApplicationName(), k -> new ArrayList<>()).add(agent(info, r, now));
                types.putIfAbsent(info.getApplicationName(), Texts.serviceType(info.getServiceType()));
            }
        }
        List<Application> out = new ArrayList<>();
        byApp.forEach((name, agents) -> {
            agents.sort(Comparator.comparing(Agent::agentId));
            out.add(new Application(name, types.get(name), List.copyOf(agents)));
        });
        return out;
    }

    /** The application's service type from its agents; TOMCAT when none is known. */
    String serviceTypeOf(String application) throws IOException {
        for (Application a : applications(System.currentTimeMillis())) {
            if (a.name().equals(application)) {
                return a.serviceType();
            }
        }
        return Texts.serviceType(null);
    }

    Optional<Agent> agent(String agentId, long now) throws IOException {
        try (Table t = connection.getTable(Tables.AGENTS)) {
            Result r = t.get(new Get(RowKeys.agentRow(agentId)).addFamily(Tables.AGENTS_CF));
            AgentInfo info = info(r);
            if (info == null || !info.getAgentId().equals(agentId)) {
                return Optional.empty();
            }
            return Optional.of(agent(info, r, now));
        }
    }

    private static AgentInfo info(Result r) {
        byte[] v = r.getValue(Tables.AGENTS_CF, Tables.AGENT_INFO);
        if (v == null) {
            return null;
        }
        try {
            return AgentInfo.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private Agent agent(AgentInfo info, Result r, long now) {
        byte[] seenBytes = r.getValue(Tables.AGENTS_CF, Tables.AGENT_LAST_SEEN);
        long lastSeen = seenBytes == null || seenBytes.length != 8 ? info.getStartTime() : RowKeys.getLong(seenBytes, 0);
        byte[] shutdown = r.getValue(Tables.AGENTS_CF, Tables.AGENT_SHUTDOWN);
        String status;
        if (shutdown != null && shutdown.length == 16 && RowKeys.getLong(shutdown, 0) == info.getStartTime()) {
            status = "SHUTDOWN";
        } else if (now - lastSeen > disconnectedAfterMs) {
            status = "DISCONNECTED";
        } else {
            status = "RUNNING";
        }
        return new Agent(info.getAgentId(), info.getApplicationName(), info.getHostname(), info.getIp(), info.getPid(),
                info.getStartTime(), info.getJvmVersion(), info.getAgentVersion(), status, lastSeen);
    }

    AgentStats stats(String agentId, long from, long to) throws IOException {
        List<JvmStat> samples = new ArrayList<>();
        if (from < to) {
            Scan scan = new Scan().withStartRow(RowKeys.agentStatsRow(agentId, Math.max(0, from)), true)
                    .withStopRow(RowKeys.agentStatsRow(agentId, to), false)
                    .addColumn(Tables.STATS_CF, Tables.STATS_JVM).setCaching(1000);
            try (Table t = connection.getTable(Tables.AGENT_STATS); ResultScanner rs = t.getScanner(scan)) {
                for (Result r : rs) {
                    byte[] v = r.getValue(Tables.STATS_CF, Tables.STATS_JVM);
                    try {
                        samples.add(JvmStat.parseFrom(v));
                    } catch (InvalidProtocolBufferException e) {
                        // skip a damaged sample
                    }
                }
            }
        }
        int n = samples.size();
        List<Long> ts = new ArrayList<>(n), heapUsed = new ArrayList<>(n), heapMax = new ArrayList<>(n),
                nonHeap = new ArrayList<>(n), gcCount = new ArrayList<>(n), gcTime = new ArrayList<>(n);
        List<Double> cpuP = new ArrayList<>(n), cpuS = new ArrayList<>(n), tps = new ArrayList<>(n), rt = new ArrayList<>(n);
        List<Integer> threads = new ArrayList<>(n), active = new ArrayList<>(n);
        Map<String, Integer[][]> pools = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            JvmStat s = samples.get(i);
            ts.add(s.getTimestamp());
            heapUsed.add(s.getHeapUsed());
            heapMax.add(s.getHeapMax());
            nonHeap.add(s.getNonHeapUsed());
            gcCount.add(s.getGcCount());
            gcTime.add(s.getGcTime());
            cpuP.add(s.getCpuProcess());
            cpuS.add(s.getCpuSystem());
            threads.add(s.getThreads());
            active.add(s.getActiveRequests());
            tps.add(s.getTps());
            rt.add(s.getResponseTimeAvg());
            for (PoolStat p : s.getPoolsList()) {
                Integer[][] arr = pools.computeIfAbsent(p.getName(), k -> new Integer[4][n]);
                arr[0][i] = p.getActive();
                arr[1][i] = p.getIdle();
                arr[2][i] = p.getMax();
                arr[3][i] = p.getPending();
            }
        }
        List<AgentStats.Pool> poolList = new ArrayList<>();
        pools.forEach((name, arr) -> poolList.add(new AgentStats.Pool(name, Arrays.asList(arr[0]),
                Arrays.asList(arr[1]), Arrays.asList(arr[2]), Arrays.asList(arr[3]))));
        return new AgentStats(ts, heapUsed, heapMax, nonHeap, gcCount, gcTime, cpuP, cpuS, threads, active, tps, rt, poolList);
    }
}
