package io.sightline.storage.query;

import java.util.List;
import java.util.Optional;

/** Everything the REST API reads. Every method reads HBase; none caches transactions. */
public interface Queries {

    /** All applications with their agents, sorted by name; agents sorted by id. */
    List<Application> applications();

    /** Server map around {@code application} over [from, to), from the per-minute statistics. */
    ServerMap serverMap(String application, long from, long to);

    /** Scatter points, newest first, at most {@code query.limit()}. */
    ScatterPage scatter(TransactionQuery query);

    /**
     * The scatter density pre-aggregated at ingest over whole 5 s buckets [from, to) (both
     * multiples of io.sightline.hbase.schema.ScatterCells#BUCKET_MS, else IllegalArgumentException).
     */
    DensityCounts scatterDensity(String application, long from, long to);

    /** Transactions, newest first, at most {@code query.limit()}. */
    TransactionPage transactions(TransactionQuery query);

    /** The call tree of one transaction across every agent it crossed; empty when unknown. */
    Optional<CallTree> callTree(String transactionId);

    /** JVM statistics of one agent over [from, to), oldest first. */
    AgentStats agentStats(String agentId, long from, long to);

    /** One agent's info, empty when unknown. */
    Optional<Agent> agent(String agentId);
}
