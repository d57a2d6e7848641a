package io.sightline.storage.write;

import io.sightline.hbase.schema.RowKeys;
import io.sightline.hbase.schema.Tables;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.JvmStat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/** Agent lifecycle (register, ping, shutdown, command stream holder) and JVM statistics. */
public final class AgentStore {
    private final Connection connection;

    public AgentStore(Connection connection) {
        this.connection = connection;
    }

    /** A (re)registration: the run's info replaces the previous run's; the agent is seen now. */
    public void register(AgentInfo info, long now) throws IOException {
        byte[] row = RowKeys.agentRow(info.getAgentId());
        try (Table t = connection.getTable(Tables.AGENTS)) {
            t.put(new Put(row)
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_INFO, info.toByteArray())
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_LAST_SEEN, Bytes.toBytes(now)));
        }
    }

    /** A sign of life. */
    public void ping(AgentRef ref, long now) throws IOException {
        try (Table t = connection.getTable(Tables.AGENTS)) {
            t.put(new Put(RowKeys.agentRow(ref.getAgentId()))
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_LAST_SEEN, Bytes.toBytes(now)));
        }
    }

    /** A clean exit of the run that started at {@code ref.agent_start_time}. */
    public void shutdown(AgentRef ref, long now) throws IOException {
        byte[] v = new byte[16];
        RowKeys.putLong(v, 0, ref.getAgentStartTime());
        RowKeys.putLong(v, 8, now);
        try (Table t = connection.getTable(Tables.AGENTS)) {
            t.put(new Put(RowKeys.agentRow(ref.getAgentId()))
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_SHUTDOWN, v)
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_LAST_SEEN, Bytes.toBytes(now)));
        }
    }

    /**
     * Records which collector ({@code host:port}) holds the agent's command stream, or clears it
     * when the stream closes (only if this collector still holds it).
     */
    public void commandStream(String agentId, String collectorAddress, boolean connected, long now) throws IOException {
        byte[] row = RowKeys.agentRow(agentId);
        try (Table t = connection.getTable(Tables.AGENTS)) {
            if (connected) {
                t.put(new Put(row).addColumn(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR, Bytes.toBytes(collectorAddress))
                        .addColumn(Tables.AGENTS_CF, Tables.AGENT_LAST_SEEN, Bytes.toBytes(now)));
            } else {
                t.checkAndMutate(org.apache.hadoop.hbase.client.CheckAndMutate.newBuilder(row)
                        .ifEquals(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR, Bytes.toBytes(collectorAddress))
                        .build(new Delete(row).addColumns(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR)));
            }
        }
    }

    /** Address of the collector holding the agent's command stream, or null when none is recorded. */
    public String commandStreamHolder(String agentId) throws IOException {
        try (Table t = connection.getTable(Tables.AGENTS)) {
            byte[] v = t.get(new org.apache.hadoop.hbase.client.Get(RowKeys.agentRow(agentId))
                    .addColumn(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR)).getValue(Tables.AGENTS_CF, Tables.AGENT_COLLECTOR);
            return v == null ? null : Bytes.toString(v);
        }
    }

    /** JVM samples of one agent; a resent sample overwrites itself (same row). */
    public void stats(String agentId, List<JvmStat> stats, long now) throws IOException {
        if (stats.isEmpty()) {
            return;
        }
        List<Put> puts = new ArrayList<>(stats.size() + 1);
        for (JvmStat s : stats) {
            puts.add(new Put(RowKeys.agentStatsRow(agentId, s.getTimestamp()))
                    .addColumn(Tables.STATS_CF, Tables.STATS_JVM, s.toByteArray()));
        }
        try (Table t = connection.getTable(Tables.AGENT_STATS)) {
            t.put(puts);
        }
        ping(io.sightline.protocol.v1.AgentRef.newBuilder().setAgentId(agentId).build(), now);
    }
}
