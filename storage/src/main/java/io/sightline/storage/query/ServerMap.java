package io.sightline.storage.query;

import java.util.List;

/** Nodes and links of the server map. */
public record ServerMap(List<Node> nodes, List<Link> links) {

    /** {@code key} is {@code name^serviceType}. */
    public record Node(String key, String name, String serviceType, long totalCount, long errorCount,
                       Histogram histogram) {
    }

    /** {@code from} and {@code to} are node keys. */
    public record Link(String from, String to, long totalCount, long errorCount, double avgElapsed,
                       long maxElapsed, Histogram histogram) {
    }
}
