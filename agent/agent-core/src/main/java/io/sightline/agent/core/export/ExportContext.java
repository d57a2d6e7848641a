package io.sightline.agent.core.export;

import io.sightline.agent.core.config.AgentConfig;
import io.sightline.agent.core.stats.StatRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;

/** What an exporter reads from. */
public final class ExportContext {
    public final AgentConfig config;
    public final AgentIdentity identity;
    public final Backlog<SpanRecord> spans;
    public final Backlog<StatRecord> stats;
    public final TransactionStats transactions;

    public ExportContext(AgentConfig config, AgentIdentity identity, Backlog<SpanRecord> spans,
                         Backlog<StatRecord> stats, TransactionStats transactions) {
        this.config = config;
        this.identity = identity;
        this.spans = spans;
        this.stats = stats;
        this.transactions = transactions;
    }
}
