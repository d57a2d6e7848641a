package io.sightline.web;

import io.sightline.storage.query.Agent;
import io.sightline.storage.query.AgentStats;
import io.sightline.storage.query.Application;
import io.sightline.storage.query.CallTree;
import io.sightline.storage.query.DensityCounts;
import io.sightline.storage.query.Queries;
import io.sightline.storage.query.ScatterPage;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionPage;
import io.sightline.storage.query.TransactionQuery;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real {@link Queries}, with a log of what reached it: tests check that a refused request
 * never touched the storage and how the density endpoint paged through it.
 */
final class RecordingQueries implements Queries {
    private final Queries storage;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<TransactionQuery> seen = new CopyOnWriteArrayList<>();

    RecordingQueries(Queries storage) {
        this.storage = storage;
    }

    void clear() {
        calls.clear();
        seen.clear();
    }

    @Override
    public List<Application> applications() {
        calls.add("applications");
        return storage.applications();
    }

    @Override
    public ServerMap serverMap(String application, long from, long to) {
        calls.add("serverMap " + application);
        return storage.serverMap(application, from, to);
    }

    @Override
    public ScatterPage scatter(TransactionQuery query) {
        calls.add("scatter " + query.application());
        seen.add(query);
        return storage.scatter(query);
    }

    @Override
    public DensityCounts scatterDensity(String application, long from, long to) {
        calls.add("scatterDensity " + application + " " + from + " " + to);
        return storage.scatterDensity(application, from, to);
    }

    @Override
    public TransactionPage transactions(TransactionQuery query) {
        calls.add("transactions " + query.application());
        seen.add(query);
        return storage.transactions(query);
    }

    @Override
    public Optional<CallTree> callTree(String transactionId) {
        calls.add("callTree " + transactionId);
        return storage.callTree(transactionId);
    }

    @Override
    public AgentStats agentStats(String agentId, long from, long to) {
        calls.add("agentStats " + agentId);
        return storage.agentStats(agentId, from, to);
    }

    @Override
    public Optional<Agent> agent(String agentId) {
        calls.add("agent " + agentId);
        return storage.agent(agentId);
    }
}
