package io.sightline.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.collector.Collector;
import io.sightline.collector.LiveRelay;
import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.DensityCounts;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.StorageNotReadyException;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The beans the web and the health endpoint use: Queries, LiveAgents, lifecycles, health. */
@Configuration(proxyBeanMethods = false)
public class ServerConfiguration {
    private volatile boolean webReady;

    @Bean
    StorageLifecycle storageLifecycle(SightlineProperties props) {
        props.roleSet(); // fails start-up with a clear message on a bad role list
        return new StorageLifecycle(props);
    }

    @Bean
    CollectorLifecycle collectorLifecycle(SightlineProperties props, StorageLifecycle storage, MeterRegistry registry) {
        if (!props.hasRole("collector")) {
            return null;
        }
        return new CollectorLifecycle(props, storage, registry);
    }

    /**
     * Queries over HBase once storage is ready; before that every call fails with
     * StorageNotReadyException (the API answers 503 {"error":"storage is starting"}).
     */
    @Bean
    Queries queries(StorageLifecycle storage) {
        return new Queries() {
            private HBaseQueries q() {
                HBaseQueries q = storage.queries();
                if (q == null) {
                    throw new StorageNotReadyException(storage.problem(), storage.isStopped());
                }
                return q;
            }

            @Override
            public List<Application> applications() {
                return q().applications();
            }

            @Override
            public ServerMap serverMap(String application, long from, long to) {
                return q().serverMap(application, from, to);
            }

            @Override
            public ScatterPage scatter(TransactionQuery query) {
                return q().scatter(query);
            }

            @Override
            public DensityCounts scatterDensity(String application, long from, long to) {
                return q().scatterDensity(application, from, to);
            }

            @Override
            public TransactionPage transactions(TransactionQuery query) {
                return q().transactions(query);
            }

            @Override
            public Optional<CallTree> callTree(String transactionId) {
                return q().callTree(transactionId);
            }

            @Override
            public AgentStats agentStats(String agentId, long from, long to) {
                return q().agentStats(agentId, from, to);
            }

            @Override
            public Optional<Agent> agent(String agentId) {
                return q().agent(agentId);
            }
        };
    }

    /**
     * Live questions go to this process's collector when it holds the agent's command stream, else
     * to the collector recorded in HBase as holding it (another process: see LiveRelay).
     */
    @Bean(destroyMethod = "close")
    LiveRelay.Client liveAgents(StorageLifecycle storage, org.springframework.beans.factory.ObjectProvider<CollectorLifecycle> collector) {
        java.util.function.Supplier<Collector> local = () -> {
            CollectorLifecycle lc = collector.getIfAvailable();
            return lc == null ? null : lc.collector();
        };
        return new LiveRelay.Client(storage::connection, () -> {
            Collector c = local.get();
            return c == null ? null : c.liveAgents();
        }, () -> {
            Collector c = local.get();
            return c == null ? null : c.advertisedAddress();
        }, java.time.Duration.ofSeconds(5));
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        webReady = true;
    }

    @Bean
    HealthIndicator storage(StorageLifecycle storage) {
        return () -> storage.isReady() ? Health.up().build() : Health.down().withDetail("reason", String.valueOf(storage.problem())).build();
    }

    @Bean
    HealthIndicator collector(SightlineProperties props, org.springframework.beans.factory.ObjectProvider<CollectorLifecycle> lc) {
        return () -> {
            if (!props.hasRole("collector")) {
                return Health.up().withDetail("role", "off").build();
            }
            CollectorLifecycle c = lc.getIfAvailable();
            return c != null && c.isReady() ? Health.up().build()
                    : Health.down().withDetail("reason", c == null ? "not configured" : String.valueOf(c.problem())).build();
        };
    }

    @Bean
    HealthIndicator application() {
        return () -> webReady ? Health.up().build() : Health.down().withDetail("reason", "starting").build();
    }

}
