package io.sightline.storage.read;

import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.DensityCounts;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.hbase.client.Connection;

/**
 * {@link Queries} over HBase. Bad input (a malformed cursor or transaction id) throws
 * IllegalArgumentException; HBase failures throw UncheckedIOException.
 */
public final class HBaseQueries implements Queries, AutoCloseable {
    /** An agent that has not been heard from for this long is DISCONNECTED (3 missed pings and some). */
    public static final long DEFAULT_DISCONNECTED_AFTER_MS = 30_000;
    private final ExecutorService executor;
    private final IndexReader index;
    private final CallTreeReader callTree;
    private final ServerMapReader serverMap;
    private final AgentReader agents;
    private final DensityReader density;

    public HBaseQueries(Connection connection) {
        this(connection, DEFAULT_DISCONNECTED_AFTER_MS);
    }

    public HBaseQueries(Connection connection, long disconnectedAfterMs) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sightline-query-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
        this.index = new IndexReader(connection, executor);
        this.callTree = new CallTreeReader(connection);
        this.serverMap = new ServerMapReader(connection);
        this.agents = new AgentReader(connection, disconnectedAfterMs);
        this.density = new DensityReader(connection);
    }

    @Override
    public List<Application> applications() {
        return io(() -> agents.applications(System.currentTimeMillis()));
    }

    @Override
    public ServerMap serverMap(String application, long from, long to) {
        return io(() -> serverMap.read(application, agents.serviceTypeOf(application), from, to));
    }

    @Override
    public ScatterPage scatter(TransactionQuery query) {
        return index.scatter(query);
    }

    @Override
    public DensityCounts scatterDensity(String application, long from, long to) {
        return io(() -> density.read(application, from, to));
    }

    @Override
    public TransactionPage transactions(TransactionQuery query) {
        return index.transactions(query);
    }

    @Override
    public Optional<CallTree> callTree(String transactionId) {
        return io(() -> callTree.read(transactionId));
    }

    @Override
    public AgentStats agentStats(String agentId, long from, long to) {
        return io(() -> agents.stats(agentId, from, to));
    }

    @Override
    public Optional<Agent> agent(String agentId) {
        return io(() -> agents.agent(agentId, System.currentTimeMillis()));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(IoCall<T> c) {
        try {
            return c.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
