package io.sightline.storage.query;

import java.util.List;

/** One page of transactions, newest first; {@code next} continues when not complete. */
public record TransactionPage(List<Row> transactions, boolean complete, String next) {

    /** {@code exception} is "ClassName: message" or null; {@code uriTemplate} null when unknown. */
    public record Row(String transactionId, String application, String agentId, long startTime,
                      long elapsed, String uri, String uriTemplate, String clientIp, boolean error,
                      String exception, int status, String method) {
    }
}
