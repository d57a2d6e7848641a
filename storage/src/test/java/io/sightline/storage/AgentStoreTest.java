package io.sightline.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.PoolStat;
import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.read.HBaseQueries;
import io.sightline.storage.write.AgentStore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentStoreTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    private static AgentInfo info(String app, String id, long start) {
        return AgentInfo.newBuilder().setAgentId(id).setApplicationName(app).setServiceType("TOMCAT")
                .setHostname("h").setIp("10.0.0.1").setPid(42).setStartTime(start).setJvmVersion("17.0.15")
                .setAgentVersion("0.1.0").setProtocolVersion(1).build();
    }

    @Test
    void applicationsWithAgentStatuses() throws Exception {
        AgentStore store = new AgentStore(StorageFixture.connection());
        long now = System.currentTimeMillis();
        String app = "zz-app-" + RUN;
        String running = "b-running-" + RUN, gone = "a-gone-" + RUN, stopped = "c-stopped-" + RUN;
        store.register(info(app, running, now - 100_000), now - 100_000);
        store.ping(AgentRef.newBuilder().setAgentId(running).build(), now - 1000);
        store.register(info(app, gone, now - 200_000), now - 200_000);
        store.ping(AgentRef.newBuilder().setAgentId(gone).build(), now - 60_000);
        store.register(info(app, stopped, now - 300_000), now - 300_000);
        store.shutdown(AgentRef.newBuilder().setAgentId(stopped).setAgentStartTime(now - 300_000).build(), now - 5000);
        // a restart of the stopped agent (new start time) is RUNNING again
        String restarted = "d-restarted-" + RUN;
        store.register(info(app, restarted, now - 400_000), now - 400_000);
        store.shutdown(AgentRef.newBuilder().setAgentId(restarted).setAgentStartTime(now - 400_000).build(), now - 300_000);
        store.register(info(app, restarted, now - 2000), now - 2000);

        HBaseQueries q = new HBaseQueries(StorageFixture.connection());
        Application a = q.applications().stream().filter(x -> x.name().equals(app)).findFirst().orElseThrow();
        assertThat(a.serviceType()).isEqualTo("TOMCAT");
        assertThat(a.agents()).extracting(Agent::agentId).containsExactly(gone, running, stopped, restarted);
        assertThat(a.agents()).extracting(Agent::status).containsExactly("DISCONNECTED", "RUNNING", "SHUTDOWN", "RUNNING");
        assertThat(q.agent(running)).contains(new Agent(running, app, "h", "10.0.0.1", 42, now - 100_000, "17.0.15",
                "0.1.0", "RUNNING", now - 1000));
        assertThat(q.agent("never-" + RUN)).isEmpty();
        // applications are sorted by name
        List<String> names = q.applications().stream().map(Application::name).toList();
        assertThat(names).isSorted();
    }

    @Test
    void statsAsParallelArraysWithPools() throws Exception {
        AgentStore store = new AgentStore(StorageFixture.connection());
        String id = "stats-" + RUN;
        long t = 1_700_000_000_000L;
        store.stats(id, List.of(
                JvmStat.newBuilder().setTimestamp(t).setInterval(5000).setHeapUsed(100).setHeapMax(1000).setNonHeapUsed(50)
                        .setGcCount(1).setGcTime(3).setCpuProcess(0.25).setCpuSystem(0.5).setThreads(20)
                        .setActiveRequests(2).setTps(10.5).setResponseTimeAvg(35.2)
                        .addPools(PoolStat.newBuilder().setName("HikariPool-1").setActive(1).setIdle(9).setMax(10).setPending(0))
                        .build(),
                JvmStat.newBuilder().setTimestamp(t + 5000).setHeapUsed(200).setHeapMax(1000).setThreads(21).build(),
                JvmStat.newBuilder().setTimestamp(t + 10_000).setHeapUsed(300).setHeapMax(1000).setThreads(22).build()),
                t + 10_000);
        AgentStats s = new HBaseQueries(StorageFixture.connection()).agentStats(id, t, t + 10_000);
        assertThat(s.timestamps()).containsExactly(t, t + 5000);
        assertThat(s.heapUsed()).containsExactly(100L, 200L);
        assertThat(s.heapMax()).containsExactly(1000L, 1000L);
        assertThat(s.nonHeapUsed()).containsExactly(50L, 0L);
        assertThat(s.gcCount()).containsExactly(1L, 0L);
        assertThat(s.gcTime()).containsExactly(3L, 0L);
        assertThat(s.cpuProcess()).containsExactly(0.25, 0.0);
        assertThat(s.cpuSystem()).containsExactly(0.5, 0.0);
        assertThat(s.threads()).containsExactly(20, 21);
        assertThat(s.activeRequests()).containsExactly(2, 0);
        assertThat(s.tps()).containsExactly(10.5, 0.0);
        assertThat(s.responseTimeAvg()).containsExactly(35.2, 0.0);
        assertThat(s.pools()).containsExactly(new AgentStats.Pool("HikariPool-1", Arrays.asList(1, null),
                Arrays.asList(9, null), Arrays.asList(10, null), Arrays.asList(0, null)));
        assertThat(new HBaseQueries(StorageFixture.connection()).agentStats("other-" + RUN, t, t + 20_000).timestamps())
                .isEmpty();
    }
}
