package io.sightline.storage.query;

import java.util.List;

/** One page of scatter points, newest first; {@code next} continues when not complete. */
public record ScatterPage(List<Point> points, boolean complete, String next) {

    public record Point(String transactionId, String agentId, long startTime, long elapsed, boolean error) {
    }
}
