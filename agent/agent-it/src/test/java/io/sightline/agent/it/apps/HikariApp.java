package io.sightline.agent.it.apps;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A HikariCP pool ("it-pool", at most 3 connections, H2 in memory) driven over HTTP (the JDK's
 * server, which the agent does not instrument). Prints "READY <port>". Endpoints:
 * /hold?n=N takes N more connections and keeps them; /wait starts a thread that asks for one
 * more (it waits while the pool is exhausted); /release gives back every held connection;
 * /close shuts the pool down.
 */
public final class HikariApp {
    private HikariApp() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-pool");
        config.setJdbcUrl("jdbc:h2:mem:pooldb;DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(3);
        config.setConnectionTimeout(60_000);
        HikariDataSource ds = new HikariDataSource(config);
        List<Connection> held = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hold", x -> {
            int n = Integer.parseInt(x.getRequestURI().getQuery().substring("n=".length()));
            try {
                for (int i = 0; i < n; i++) {
                    held.add(ds.getConnection());
                }
                answer(x, "held " + held.size());
            } catch (SQLException e) {
                answer(x, "failed " + e);
            }
        });
        List<Thread> waiters = new CopyOnWriteArrayList<>();
        server.createContext("/wait", x -> {
            Thread t = new Thread(() -> {
                try {
                    held.add(ds.getConnection());
                } catch (SQLException ignored) {
                    // the pool was closed while waiting
                }
            }, "app-waiter");
            t.setDaemon(true);
            waiters.add(t);
            t.start();
            answer(x, "waiting");
        });
        server.createContext("/release", x -> {
            // a waiter gets one of the released connections: wait for it, then release that too
            closeAll(held);
            for (Thread t : waiters) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                waiters.remove(t);
            }
            closeAll(held);
            answer(x, "held " + held.size());
        });
        server.createContext("/close", x -> {
            ds.close();
            answer(x, "closed");
        });
        server.start();
        System.out.println("READY " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void closeAll(List<Connection> held) {
        for (Connection c : held) {
            held.remove(c);
            try {
                c.close();
            } catch (SQLException ignored) {
                // closed already
            }
        }
    }

    private static void answer(HttpExchange x, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }
}
