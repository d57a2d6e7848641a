package io.sightline.agent.transport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.Tracer;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.agent.core.util.Backlog;

/**
 * Spans like bench/agent-overhead's, made by the real tracer: a server entry, a JDBC query with a
 * bind, a task on an executor thread that makes a second query (its ASYNC row), and an outgoing
 * HTTP call; finished spans go to the backlog given.
 */
final class BenchRequests implements AutoCloseable {
    private static final String SQL = "select name from items where id = ?";

    private final Tracer tracer;
    private final ExecutorService workers = Executors.newSingleThreadExecutor();
    private final Connection connection;
    private final PreparedStatement statement;

    BenchRequests(Backlog<SpanRecord> backlog, String database) throws Exception {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "bench";
        tracer = new Tracer(s, backlog, new TransactionStats());
        connection = DriverManager.getConnection("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
        try (Statement st = connection.createStatement()) {
            st.execute("create table if not exists items(id int primary key, name varchar(50))");
        }
        statement = connection.prepareStatement(SQL);
        tracer.jdbcPrepared(statement, SQL);
    }

    /** One request on this thread (its task on the executor's). */
    void request(int i) throws Exception {
        Object scope = tracer.serverEnter("TOMCAT", "GET", "/work", "127.0.0.1:8080", "http", "127.0.0.1",
                null, null, null, null, null);
        query(i);
        Runnable task = new Runnable() {
            @Override
            public void run() {
                Object token = tracer.contextAttach(this);
                try {
                    query(i + 1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    tracer.contextClose(token);
                }
            }
        };
        tracer.contextCapture(task);
        workers.submit(task).get();
        Object call = tracer.httpClientEnter(new Object(), "HttpURLConnection", "GET",
                "http://127.0.0.1:8081/stock/" + (i & 63), false);
        tracer.outgoingHeaders(call);
        tracer.httpClientExit(call, 200, null, true);
        tracer.serverExit(scope, 200, null, null);
    }

    private void query(int id) throws Exception {
        tracer.jdbcBind(statement, 1, Integer.valueOf(id));
        tracer.jdbcExit(tracer.jdbcEnter(statement, "executeQuery", null), null);
    }

    @Override
    public void close() throws Exception {
        workers.shutdownNow();
        connection.close();
    }
}
