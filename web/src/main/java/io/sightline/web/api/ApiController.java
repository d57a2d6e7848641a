package io.sightline.web.api;

import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.web.WebRole;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The REST API of CONTRACT.md; every read goes to {@link Queries} (HBase) or {@link LiveAgents}. */
@RestController
@Conditional(WebRole.class)
@RequestMapping("/api")
public class ApiController {
    /** Upper bound of points one density request reads (about 10 pages of the largest limit). */
    static final long DENSITY_MAX_POINTS_CAP = 5_000_000L;
    static final long DENSITY_DEFAULT_MAX_POINTS = 2_000_000L;
    static final int DENSITY_DEFAULT_EXACT = 2_000;

    private final Queries queries;
    private final ObjectProvider<LiveAgents> live;
    private final int densityPageSize;

    public ApiController(Queries queries, ObjectProvider<LiveAgents> live,
                         @Value("${sightline.web.density-page-size:" + TransactionQuery.MAX_LIMIT + "}") int densityPageSize) {
        if (densityPageSize < 1 || densityPageSize > TransactionQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("sightline.web.density-page-size must be 1.." + TransactionQuery.MAX_LIMIT);
        }
        this.queries = queries;
        this.live = live;
        this.densityPageSize = densityPageSize;
    }

    @GetMapping("/me")
    public Map<String, String> me(Principal principal) {
        return Map.of("username", principal.getName());
    }

    @GetMapping("/applications")
    public List<Application> applications() {
        return queries.applications();
    }

    @GetMapping("/servermap")
    public ServerMap serverMap(HttpServletRequest request) {
        Params p = new Params(request.getParameterMap());
        String application = p.name("application", true);
        long[] w = p.window();
        return queries.serverMap(application, w[0], w[1]);
    }

    @GetMapping("/scatter")
    public ScatterPage scatter(HttpServletRequest request) {
        TransactionQuery q = new Params(request.getParameterMap()).transactionQuery();
        return withCursor(q, () -> queries.scatter(q));
    }

    /**
     * All points of the window binned for drawing (see {@link ScatterDensity}); reads the scatter
     * page by page up to {@code maxPoints}. Same filters as /api/scatter; {@code columns} 1..4000.
     */
    @GetMapping("/scatter/density")
    public ScatterDensity.Result scatterDensity(HttpServletRequest request) {
        Params p = new Params(request.getParameterMap());
        Long columnsParam = p.longValue("columns", false, 1, 4000);
        int columns = columnsParam == null ? 600 : columnsParam.intValue();
        Long maxPointsParam = p.longValue("maxPoints", false, 1, DENSITY_MAX_POINTS_CAP);
        Long exactParam = p.longValue("exactPoints", false, 0, 100_000);
        int exactPoints = exactParam == null ? DENSITY_DEFAULT_EXACT : exactParam.intValue();
        long maxPoints = maxPointsParam == null ? DENSITY_DEFAULT_MAX_POINTS : maxPointsParam;
        if (p.optional("limit") != null || p.optional("cursor") != null) {
            throw new BadParameterException("limit", "limit and cursor are not used by /api/scatter/density; use maxPoints");
        }
        TransactionQuery first = p.transactionQuery();
        ScatterDensity density = new ScatterDensity(first.from(), first.to(), columns);
        String cursor = null;
        boolean complete;
        while (true) {
            long left = maxPoints - density.total();
            int limit = (int) Math.min(densityPageSize, left);
            TransactionQuery q = new TransactionQuery(first.application(), first.from(), first.to(),
                    first.minElapsed(), first.maxElapsed(), first.error(), first.clientIp(), first.url(),
                    first.agentId(), limit, cursor);
            ScatterPage page = queries.scatter(q);
            page.points().forEach(density::add);
            if (page.complete() || page.next() == null) {
                complete = true;
                break;
            }
            if (density.total() >= maxPoints) {
                complete = false;
                break;
            }
            cursor = page.next();
        }
        return density.result(complete, exactPoints);
    }

    /** The newest part of a window is read from the index: the collectors' density flush may not have reached it yet. */
    public static final long SUMMARY_FRESH_MS = 15_000;

    /** What /api/scatter/summary answers: a density result, and the part of it read from the pre-aggregate. */
    public record ScatterSummary(@com.fasterxml.jackson.annotation.JsonUnwrapped ScatterDensity.Result density,
                                 Long aggregatedFrom, Long aggregatedTo,
                                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                                 List<ScatterPage.Point> allPoints) {
    }

    /**
     * The whole window binned for drawing, like /api/scatter/density, but from the density
     * pre-aggregated at ingest (one range scan however many points the window holds): whole 5 s
     * buckets come from it, the partial buckets at the edges and the newest seconds (not flushed
     * yet) from the index. Filters: {@code error} only (the pre-aggregate has no other dimension).
     */
    @GetMapping("/scatter/summary")
    public ScatterSummary scatterSummary(HttpServletRequest request) {
        Params p = new Params(request.getParameterMap());
        for (String other : List.of("minElapsed", "maxElapsed", "clientIp", "url", "agentId", "limit", "cursor")) {
            if (p.optional(other) != null) {
                throw new BadParameterException(other, other + " is not used by /api/scatter/summary; use /api/scatter/density");
            }
        }
        Long columnsParam = p.longValue("columns", false, 1, 4000);
        Long maxPointsParam = p.longValue("maxPoints", false, 1, DENSITY_MAX_POINTS_CAP);
        Long exactParam = p.longValue("exactPoints", false, 0, 100_000);
        int exactPoints = exactParam == null ? DENSITY_DEFAULT_EXACT : exactParam.intValue();
        long maxPoints = maxPointsParam == null ? DENSITY_DEFAULT_MAX_POINTS : maxPointsParam;
        Long allParam = p.longValue("allPointsUpTo", false, 0, TransactionQuery.MAX_LIMIT);
        int allPointsUpTo = allParam == null ? 0 : allParam.intValue();
        TransactionQuery q = p.transactionQuery();
        long bucket = io.sightline.hbase.schema.ScatterCells.BUCKET_MS;
        long a = Math.floorDiv(q.from() + bucket - 1, bucket) * bucket;
        long b = Math.floorDiv(Math.min(q.to(), System.currentTimeMillis() - SUMMARY_FRESH_MS), bucket) * bucket;
        io.sightline.storage.query.DensityCounts counts = null;
        if (a < b) {
            counts = queries.scatterDensity(q.application(), a, b);
            // buckets before `since` may miss spans stored before the table existed: the index has them
            a = Math.min(b, Math.max(a, counts.since()));
        }
        boolean aggregated = a < b;
        int columns = columnsParam == null ? 600 : columnsParam.intValue();
        if (aggregated) {
            // a column at least one bucket wide, so that no column falls between two buckets
            columns = (int) Math.max(1, Math.min(columns, (q.to() - q.from()) / bucket));
        }
        ScatterDensity density = new ScatterDensity(q.from(), q.to(), columns);
        if (aggregated) {
            Boolean only = q.error();
            java.util.Map<Long, List<ScatterPage.Point>> sparse = new java.util.HashMap<>();
            for (ScatterPage.Point pt : counts.points()) {
                if (only == null || only == pt.error()) {
                    sparse.computeIfAbsent(cellKey(a, io.sightline.hbase.schema.ScatterCells.bucket(pt.startTime()),
                            ScatterDensity.row(pt.elapsed())), k -> new java.util.ArrayList<>(2)).add(pt);
                }
            }
            for (io.sightline.storage.query.DensityCounts.Cell c : counts.cells()) {
                if (c.bucket() < a || c.bucket() >= b) {
                    continue;
                }
                long ok = Boolean.TRUE.equals(only) ? 0 : c.success();
                long bad = Boolean.FALSE.equals(only) ? 0 : c.error();
                density.addCounts(c.bucket(), c.row(), ok, bad, sparse.getOrDefault(cellKey(a, c.bucket(), c.row()), List.of()));
            }
        }
        boolean complete = true;
        long[] budget = {maxPoints};
        long[][] parts = aggregated ? new long[][] {{q.from(), a}, {b, q.to()}} : new long[][] {{q.from(), q.to()}};
        for (long[] part : parts) {
            if (part[0] < part[1]) {
                complete &= readIndex(q, part[0], part[1], density, budget);
            }
        }
        List<ScatterPage.Point> all = null;
        if (complete && density.total() <= allPointsUpTo) {
            // a small window: its points too, so that the page draws them from this one answer
            ScatterPage page = queries.scatter(new TransactionQuery(q.application(), q.from(), q.to(), null, null, q.error(),
                    null, null, null, allPointsUpTo, null));
            if (page.complete()) {
                all = page.points();
            }
        }
        return new ScatterSummary(density.result(complete, exactPoints), aggregated ? a : null, aggregated ? b : null, all);
    }

    /**
     * A (bucket, row) cell of the pre-aggregate as a map key: counted from the window's first
     * bucket, bits mixed (see {@link ScatterDensity#hashKey}); bucket * 65536 + row hashed to a
     * few values and the lookups of tens of thousands of cells went through tree bins.
     */
    private static long cellKey(long first, long bucket, int row) {
        return ScatterDensity.hashKey(Math.floorDiv(bucket - first, io.sightline.hbase.schema.ScatterCells.BUCKET_MS)
                * ScatterDensity.ROW_SPAN + Math.min(row, ScatterDensity.ROW_SPAN - 1));
    }

    /** Adds the index's points of [from, to) to the density, at most {@code budget[0]} (decremented); whether all were read. */
    private boolean readIndex(TransactionQuery first, long from, long to, ScatterDensity density, long[] budget) {
        String cursor = null;
        while (true) {
            long left = budget[0];
            if (left <= 0) {
                return false;
            }
            TransactionQuery q = new TransactionQuery(first.application(), from, to, first.minElapsed(), first.maxElapsed(),
                    first.error(), first.clientIp(), first.url(), first.agentId(), (int) Math.min(densityPageSize, left), cursor);
            ScatterPage page = queries.scatter(q);
            page.points().forEach(density::add);
            budget[0] -= page.points().size();
            if (page.complete() || page.next() == null) {
                return true;
            }
            cursor = page.next();
        }
    }

    @GetMapping("/transactions")
    public TransactionPage transactions(HttpServletRequest request) {
        TransactionQuery q = new Params(request.getParameterMap()).transactionQuery();
        return withCursor(q, () -> queries.transactions(q));
    }

    @GetMapping("/transactions/{transactionId}")
    public CallTree callTree(@PathVariable String transactionId) {
        String id = Params.transactionId(transactionId);
        return queries.callTree(id).orElseThrow(() -> new NotFoundException("no transaction " + id));
    }

    @GetMapping("/agents/{agentId}/stats")
    public AgentStats agentStats(@PathVariable String agentId, HttpServletRequest request) {
        Params.checkName("agentId", agentId);
        long[] w = new Params(request.getParameterMap()).window();
        if (queries.agent(agentId).isEmpty()) {
            throw new NotFoundException("no agent " + agentId);
        }
        return queries.agentStats(agentId, w[0], w[1]);
    }

    @GetMapping("/agents/{agentId}")
    public Object agent(@PathVariable String agentId) {
        Params.checkName("agentId", agentId);
        return queries.agent(agentId).orElseThrow(() -> new NotFoundException("no agent " + agentId));
    }

    @GetMapping("/agents/{agentId}/active")
    public List<LiveAgents.ActiveRequest> active(@PathVariable String agentId) {
        Params.checkName("agentId", agentId);
        LiveAgents agents = live.getIfAvailable();
        if (agents == null) {
            throw new NotFoundException("agent " + agentId + " is not connected (no collector in this server)");
        }
        return agents.activeRequests(agentId)
                .orElseThrow(() -> new NotFoundException("agent " + agentId + " is not connected"));
    }

    /** The OpenAPI 3 description of this API (hand-written, checked against the controller by a test). */
    @GetMapping(value = "/openapi.yaml", produces = "application/yaml")
    public org.springframework.core.io.Resource openApi() {
        return new org.springframework.core.io.ClassPathResource("io/sightline/web/openapi.yaml");
    }

    /** Anything else under /api is a JSON 404, not the UI and not an HTML error page. */
    @RequestMapping("/**")
    public void unknown(HttpServletRequest request) {
        throw new NotFoundException("no such API: " + Params.shorten(request.getRequestURI()));
    }

    /** A cursor the storage rejects is the client's mistake, not a server error. */
    private static <T> T withCursor(TransactionQuery q, java.util.function.Supplier<T> call) {
        if (q.cursor() == null) {
            return call.get();
        }
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("cursor", "cursor is not a value returned as next by a previous page");
        }
    }
}
