package io.sightline.collector;

import java.time.Duration;

/**
 * Collector settings.
 *
 * @param address            address to bind (127.0.0.1 unless told otherwise)
 * @param port               gRPC port; 0 picks a free one (tests)
 * @param token              when non-null, agents must send it as {@code sightline-token}
 * @param advertisedAddress  how other processes reach this collector (recorded for agents' command streams)
 * @param flushInterval      how often the server-map statistics are written
 * @param maxInflightBatches span/stat batches processed at once; more are refused with RESOURCE_EXHAUSTED
 * @param maxMessageBytes    larger messages are refused with RESOURCE_EXHAUSTED
 * @param commandTimeout     how long a live command waits for the agent's reply
 */
public record CollectorConfig(String address, int port, String token, String advertisedAddress, Duration flushInterval,
                              int maxInflightBatches, int maxMessageBytes, Duration commandTimeout) {

    public static CollectorConfig defaults() {
        return new CollectorConfig("127.0.0.1", 9991, null, null, Duration.ofSeconds(5), 16, 16 * 1024 * 1024,
                Duration.ofSeconds(5));
    }

    public CollectorConfig withPort(int p) {
        return new CollectorConfig(address, p, token, advertisedAddress, flushInterval, maxInflightBatches, maxMessageBytes,
                commandTimeout);
    }

    public CollectorConfig withAddress(String a) {
        return new CollectorConfig(a, port, token, advertisedAddress, flushInterval, maxInflightBatches, maxMessageBytes,
                commandTimeout);
    }

    public CollectorConfig withToken(String t) {
        return new CollectorConfig(address, port, t == null || t.isEmpty() ? null : t, advertisedAddress, flushInterval,
                maxInflightBatches, maxMessageBytes, commandTimeout);
    }

    public CollectorConfig withFlushInterval(Duration d) {
        return new CollectorConfig(address, port, token, advertisedAddress, d, maxInflightBatches, maxMessageBytes,
                commandTimeout);
    }

    public CollectorConfig withMaxInflightBatches(int n) {
        return new CollectorConfig(address, port, token, advertisedAddress, flushInterval, n, maxMessageBytes, commandTimeout);
    }

    public CollectorConfig withMaxMessageBytes(int n) {
        return new CollectorConfig(address, port, token, advertisedAddress, flushInterval, maxInflightBatches, n, commandTimeout);
    }

    public CollectorConfig withCommandTimeout(Duration d) {
        return new CollectorConfig(address, port, token, advertisedAddress, flushInterval, maxInflightBatches,
                maxMessageBytes, d);
    }

    public CollectorConfig withAdvertisedAddress(String a) {
        return new CollectorConfig(address, port, token, a, flushInterval, maxInflightBatches, maxMessageBytes, commandTimeout);
    }
}
