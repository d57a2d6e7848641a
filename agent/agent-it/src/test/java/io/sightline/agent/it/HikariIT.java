package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.HikariApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.JvmStat;
import io.sightline.protocol.v1.PoolStat;

/** The hikaricp plugin: a real HikariCP pool's gauges arrive with the JVM stats and follow its use. */
class HikariIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void poolGaugesFollowThePool() throws Exception {
        try (TestCollector collector = TestCollector.start();
             ForkedJvm app = ForkedJvm.builder().withAgent()
                     .property("sightline.applicationName", "it-hikari")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .property("sightline.stats.intervalMillis", 200)
                     .classpath(ForkedJvm.classpath("HikariCP", "slf4j-api", "h2-"))
                     .main(HikariApp.class.getName())
                     .start()) {
            String base = "http://127.0.0.1:" + app.awaitLine("READY", WAIT);
            TestCollector.await("registration", WAIT, () -> !collector.registrations.isEmpty());
            assertThat(collector.registrations.get(0).getPluginsList()).contains("hikaricp");

            // filled to its minimum of 3 idle connections, none in use
            PoolStat idle = awaitPool(collector, 0, p -> p.getIdle() == 3);
            assertThat(idle).isEqualTo(pool(0, 3, 3, 0));

            assertThat(Http.get(base + "/hold?n=2").body()).isEqualTo("held 2");
            assertThat(awaitPool(collector, collector.stats.size(), p -> p.getActive() == 2)).isEqualTo(pool(2, 1, 3, 0));

            assertThat(Http.get(base + "/hold?n=1").body()).isEqualTo("held 3");
            assertThat(Http.get(base + "/wait").body()).isEqualTo("waiting");
            assertThat(awaitPool(collector, collector.stats.size(), p -> p.getPending() == 1)).isEqualTo(pool(3, 0, 3, 1));

            assertThat(Http.get(base + "/release").body()).isEqualTo("held 0");
            assertThat(awaitPool(collector, collector.stats.size(), p -> p.getActive() == 0 && p.getIdle() == 3))
                    .isEqualTo(pool(0, 3, 3, 0));

            assertThat(Http.get(base + "/close").body()).isEqualTo("closed");
            int closedAt = collector.stats.size();
            TestCollector.await("stats after close", WAIT, () -> collector.stats.size() >= closedAt + 3);
            // the sample running while close() was in progress may still show the pool; later ones don't
            List<JvmStat> after = collector.stats.subList(closedAt + 1, collector.stats.size());
            assertThat(after).allMatch(s -> s.getPoolsCount() == 0);
        }
    }

    private static PoolStat pool(int active, int idle, int max, int pending) {
        return PoolStat.newBuilder().setName("it-pool").setActive(active).setIdle(idle).setMax(max)
                .setPending(pending).build();
    }

    /** The first it-pool gauge matching {@code condition} in a stat sample from index {@code from} on. */
    private static PoolStat awaitPool(TestCollector collector, int from, Predicate<PoolStat> condition)
            throws InterruptedException {
        PoolStat[] found = new PoolStat[1];
        TestCollector.await("pool gauges", WAIT, () -> {
            List<JvmStat> stats = collector.stats;
            for (int i = from; i < stats.size(); i++) {
                for (PoolStat p : stats.get(i).getPoolsList()) {
                    if (p.getName().equals("it-pool") && condition.test(p)) {
                        found[0] = p;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }
}
