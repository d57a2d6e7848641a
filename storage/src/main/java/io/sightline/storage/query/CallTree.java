package io.sightline.storage.query;

import java.util.List;

/** All rows of one transaction, in call order, across every application it crossed. */
public record CallTree(String transactionId, List<Row> callTree) {

    /**
     * One row. {@code bindValues} is null for non-SQL rows; an element is null for SQL NULL and a
     * cut value ends with "...". {@code exception} is "ClassName: message" or null.
     */
    public record Row(int id, int parentId, int depth, String application, String agentId,
                      String serviceType, String api, String argument, List<String> bindValues,
                      long startTime, long elapsed, long self, boolean error, String exception,
                      String destination, Integer status, String spanId) {
    }
}
