package io.sightline.agent.it.apps;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import io.sightline.agent.it.apps.clients.Client;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Embedded Tomcat calling out with one HTTP client library (argument: a class name in
 * {@code apps.clients} without "Client"). Prints "READY port". Endpoints:
 * <ul>
 *   <li>/hello: plain text</li>
 *   <li>/call/ANY?target=URL[&amp;async=1]: GET target, answers "status=N" or "failed=ExceptionClass"</li>
 *   <li>/untraced?target=URL: GET target (sync, then async) from a thread outside any transaction</li>
 *   <li>/executor?target=URL: an H2 query on an application pool thread, then GET target in a
 *       CompletableFuture task; /untraced-work?target=URL: GET target on that pool thread, submitted
 *       from a thread outside any transaction</li>
 * </ul>
 */
public final class ClientApp {
    private ClientApp() {
    }

    public static void main(String[] args) throws Exception {
        Client client = Client.named(args[0]);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/sightline-tomcat-" + ProcessHandle.current().pid());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        add(ctx, "hello", "/hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello");
            }
        });
        add(ctx, "call", "/call/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String target = req.getParameter("target");
                String out;
                try {
                    out = "status=" + ("1".equals(req.getParameter("async")) ? client.getAsync(target) : client.get(target));
                } catch (Exception e) {
                    out = "failed=" + e.getClass().getName();
                }
                resp.getWriter().print(out);
            }
        });
        add(ctx, "untraced", "/untraced", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String target = req.getParameter("target");
                StringBuilder out = new StringBuilder();
                Thread t = new Thread(() -> {
                    try {
                        out.append(client.get(target)).append(' ').append(client.getAsync(target));
                    } catch (Exception e) {
                        out.append(e);
                    }
                }, "outside-any-transaction");
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                resp.getWriter().print(out);
            }
        });
        Connection db = DriverManager.getConnection("jdbc:h2:mem:testdb;DB_CLOSE_DELAY=-1", "sa", "");
        try (Statement s = db.createStatement()) {
            s.execute("create table owners(id int primary key, name varchar(100))");
            s.execute("insert into owners values (1, 'George'), (2, 'Betty')");
        }
        ExecutorService pool = Executors.newFixedThreadPool(1, r -> {
            Thread t = new Thread(r, "app-pool");
            t.setDaemon(true);
            return t;
        });
        add(ctx, "executor", "/executor", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    String name = pool.submit(() -> {
                        synchronized (db) {
                            try (PreparedStatement ps = db.prepareStatement("select name from owners where id = ?")) {
                                ps.setInt(1, 2);
                                try (ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                    return rs.getString(1);
                                }
                            }
                        }
                    }).get();
                    int status = CompletableFuture.supplyAsync(() -> {
                        try {
                            return client.get(req.getParameter("target"));
                        } catch (Exception e) {
                            return -1;
                        }
                    }).get();
                    resp.getWriter().print(name + " " + status);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        add(ctx, "untraced-work", "/untraced-work", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                Thread t = new Thread(() -> {
                    try {
                        pool.submit(() -> client.get(req.getParameter("target"))).get();
                    } catch (Exception ignored) {
                        // the test looks at what the downstream received
                    }
                });
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                resp.getWriter().print("ok");
            }
        });
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    private static void add(Context ctx, String name, String path, HttpServlet servlet) {
        Tomcat.addServlet(ctx, name, servlet);
        ctx.addServletMappingDecoded(path, name);
    }
}
