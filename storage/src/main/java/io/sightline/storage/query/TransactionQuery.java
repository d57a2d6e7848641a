package io.sightline.storage.query;

/**
 * The filters shared by the scatter and the transaction list (CONTRACT.md), all ANDed.
 * Null means "no filter" for every optional field. Validation happens where the query is
 * built (see {@link IpRange#parse} and {@link UrlMatch#parse}), so a query is always valid.
 *
 * @param from       inclusive start of the window, epoch ms
 * @param to         exclusive end of the window, epoch ms
 * @param limit      1..100,000
 * @param cursor     the {@code next} value of the previous page, or null
 */
public record TransactionQuery(String application, long from, long to, Long minElapsed,
                               Long maxElapsed, Boolean error, IpRange clientIp, UrlMatch url,
                               String agentId, int limit, String cursor) {
    public static final int DEFAULT_LIMIT = 10_000;
    public static final int MAX_LIMIT = 100_000;
}
