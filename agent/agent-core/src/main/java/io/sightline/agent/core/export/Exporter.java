package io.sightline.agent.core.export;

/**
 * Sends what the agent records. The gRPC transport implements it and registers in
 * META-INF/services; the core only offers spans and stats to the backlogs of the context.
 */
public interface Exporter {

    /** Starts the exporter's own threads; must not block on the network. */
    void start(ExportContext context);

    /** Sends what it can within {@code timeoutMillis}, says goodbye and stops. */
    void shutdown(long timeoutMillis);
}
