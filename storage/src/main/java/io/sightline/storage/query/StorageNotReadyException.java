package io.sightline.storage.query;

/**
 * Thrown by {@link Queries} while storage is not ready (HBase starting, the schema being applied,
 * or storage stopped): the web answers 503 with {@link #publicMessage()} instead of an error.
 */
public class StorageNotReadyException extends IllegalStateException {
    private final boolean stopped;

    /**
     * @param why     the reason for the log (may name hosts or exceptions; never sent to clients)
     * @param stopped true once storage was stopped (the process is shutting down), false while it starts
     */
    public StorageNotReadyException(String why, boolean stopped) {
        super("storage is not ready: " + why);
        this.stopped = stopped;
    }

    /** What a client may be told: "storage is starting" or "storage is stopping". */
    public String publicMessage() {
        return stopped ? "storage is stopping" : "storage is starting";
    }
}
