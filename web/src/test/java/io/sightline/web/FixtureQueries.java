package io.sightline.web;

import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.Histogram;
import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fixed answers in the shapes of CONTRACT.md, recording every query so tests can check how
 * request parameters were turned into a {@link TransactionQuery}. Application "boom" fails
 * with a message that must never reach a response; application "big" has {@link #BIG} points
 * served in pages with real cursors.
 */
public class FixtureQueries implements Queries {
    public static final String TX = "4bf92f3577b34da6a3ce929d0e0e4736";
    public static final String SECRET = "jdbc:password=hunter2 at io.sightline.Secret";
    public static final int BIG = 250_000;
    public static final long BIG_FROM = 1_700_000_000_000L;

    public final List<TransactionQuery> seen = new CopyOnWriteArrayList<>();

    public static final Agent AGENT = new Agent("petstore-1", "petstore", "h", "10.0.0.1", 42, 1700000000000L,
            "17.0.15", "0.1.0", "RUNNING", 1700000005000L);

    @Override
    public List<Application> applications() {
        return List.of(new Application("petstore", "TOMCAT", List.of(AGENT)));
    }

    @Override
    public ServerMap serverMap(String application, long from, long to) {
        fail(application);
        Histogram h = new Histogram(110, 6, 1, 1, 2);
        return new ServerMap(
                List.of(new ServerMap.Node("petstore^TOMCAT", "petstore", "TOMCAT", 120, 2, h)),
                List.of(new ServerMap.Link("USER^USER", "petstore^TOMCAT", 120, 2, 35.2, 5210, h)));
    }

    @Override
    public ScatterPage scatter(TransactionQuery query) {
        seen.add(query);
        fail(query.application());
        if ("bad".equals(query.cursor())) {
            throw new IllegalArgumentException("unreadable cursor");
        }
        if ("big".equals(query.application())) {
            return bigPage(query);
        }
        return new ScatterPage(List.of(new ScatterPage.Point(TX, "petstore-1", 1700000000123L, 35, false)), true, null);
    }

    /** Point i starts at BIG_FROM + i ms, elapsed i % 1000 (error every 997th); newest first. */
    private static ScatterPage bigPage(TransactionQuery q) {
        int start = q.cursor() == null ? 0 : Integer.parseInt(q.cursor());
        int end = Math.min(BIG, start + q.limit());
        List<ScatterPage.Point> points = new ArrayList<>(end - start);
        for (int k = start; k < end; k++) {
            int i = BIG - 1 - k;
            points.add(new ScatterPage.Point(String.format("%032x", i), "big-1", BIG_FROM + i, i % 1000, i % 997 == 0));
        }
        boolean complete = end == BIG;
        return new ScatterPage(points, complete, complete ? null : Integer.toString(end));
    }

    @Override
    public TransactionPage transactions(TransactionQuery query) {
        seen.add(query);
        fail(query.application());
        return new TransactionPage(List.of(new TransactionPage.Row(TX, "petstore", "petstore-1", 1700000000123L, 35,
                "/owners/1", "/owners/{ownerId}", "127.0.0.1", false, null, 200, "GET")), true, null);
    }

    @Override
    public Optional<CallTree> callTree(String transactionId) {
        if (!TX.equals(transactionId)) {
            return Optional.empty();
        }
        return Optional.of(new CallTree(TX, List.of(
                new CallTree.Row(1, 0, 0, "petstore", "petstore-1", "TOMCAT", "GET /owners/1", null, null,
                        1700000000123L, 35, 3, false, null, null, 200, "a1"),
                new CallTree.Row(2, 1, 1, "petstore", "petstore-1", "H2", "PreparedStatement.executeQuery",
                        "select * from owners where id = ?", java.util.Arrays.asList("1", null),
                        1700000000127L, 2, 2, false, null, "testdb", null, "a1"))));
    }

    @Override
    public AgentStats agentStats(String agentId, long from, long to) {
        return new AgentStats(List.of(1000L), List.of(100L), List.of(1024L), List.of(50L), List.of(1L), List.of(3L),
                List.of(0.25), List.of(0.5), List.of(20), List.of(1), List.of(2.5), List.of(12.0), List.of());
    }

    @Override
    public Optional<Agent> agent(String agentId) {
        return AGENT.agentId().equals(agentId) ? Optional.of(AGENT) : Optional.empty();
    }

    Optional<List<LiveAgents.ActiveRequest>> active(String agentId) {
        if (!AGENT.agentId().equals(agentId)) {
            return Optional.empty();
        }
        return Optional.of(List.of(new LiveAgents.ActiveRequest(TX, "/slow", 1700000000123L, 8123,
                "http-nio-8080-exec-3", List.of("org.example.Slow.sleep(Slow.java:12)"))));
    }

    private static void fail(String application) {
        if ("boom".equals(application)) {
            throw new IllegalStateException("storage exploded: " + SECRET);
        }
    }
}
