package io.sightline.agent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A small application on embedded Tomcat 10.1 used by the agent tests. Prints "READY <port>"
 * when it accepts requests. Endpoints:
 * <ul>
 *   <li>/hello: plain text</li>
 *   <li>/db?name=x: H2 (in memory, database "testdb"): a statement and a prepared query with binds</li>
 *   <li>/call?target=URL: GET target with HttpURLConnection, answers the status it got</li>
 *   <li>/fail: throws an exception; /status500: answers 500; /forward: forwards to /hello</li>
 *   <li>/async: completes on another thread 300 ms later; /asyncdispatch: async dispatch to /hello</li>
 *   <li>/slow?ms=N: sleeps N ms</li>
 * </ul>
 */
public final class TomcatApp {
    private TomcatApp() {
    }

    public static void main(String[] args) throws Exception {
        Connection db = DriverManager.getConnection("jdbc:h2:mem:testdb;DB_CLOSE_DELAY=-1", "sa", "");
        try (Statement s = db.createStatement()) {
            s.execute("create table owners(id int primary key, name varchar(100), city varchar(100))");
            s.execute("insert into owners values (1, 'George', 'Madison'), (2, 'Betty', 'Sun Prairie')");
        }
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
                resp.setContentType("text/plain");
                resp.getWriter().print("hello");
            }
        });
        add(ctx, "threadslot", "/threadslot", new HttpServlet() {
            // the request thread's class and what the agent keeps in its slot (the tracer's state)
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                Thread t = Thread.currentThread();
                String answer = t.getClass().getName();
                for (Class<?> i : t.getClass().getInterfaces()) {
                    if (i.getName().equals("io.sightline.agent.bridge.Slotted")) {
                        try {
                            Object v = i.getMethod("sightline$slot").invoke(t);
                            answer += " slot " + (v == null ? "null" : v.getClass().getName());
                        } catch (ReflectiveOperationException e) {
                            answer += " " + e;
                        }
                    }
                }
                resp.getWriter().print(answer);
            }
        });
        add(ctx, "db", "/db", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    StringBuilder out = new StringBuilder();
                    synchronized (db) {
                        try (Statement s = db.createStatement()) {
                            s.executeUpdate("update owners set city = 'Madison' where id = 1 and name <> 'nobody'");
                        }
                        try (PreparedStatement ps = db.prepareStatement(
                                "select id, name from owners where name = ? and id > ? and (city = ? or city = ?)")) {
                            ps.setString(1, req.getParameter("name"));
                            ps.setInt(2, 0);
                            ps.setObject(3, "Madison");
                            ps.setNull(4, Types.VARCHAR);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    out.append(rs.getInt(1)).append(':').append(rs.getString(2)).append('\n');
                                }
                            }
                        }
                    }
                    resp.getWriter().print(out);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        add(ctx, "call", "/call", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                HttpURLConnection c = (HttpURLConnection) new URL(req.getParameter("target")).openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(5000);
                int status;
                try {
                    status = c.getResponseCode();
                    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                        if (in != null) {
                            in.readAllBytes();
                        }
                    }
                } catch (IOException e) {
                    status = -1;
                }
                resp.getWriter().print("status=" + status);
            }
        });
        add(ctx, "fail", "/fail", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("boom");
            }
        });
        add(ctx, "status500", "/status500", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendError(503, "unavailable");
            }
        });
        add(ctx, "forward", "/forward", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    req.getRequestDispatcher("/hello").forward(req, resp);
                } catch (jakarta.servlet.ServletException e) {
                    throw new IOException(e);
                }
            }
        });
        Tomcat.addServlet(ctx, "async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                jakarta.servlet.AsyncContext ac = req.startAsync();
                new Thread(() -> {
                    try {
                        Thread.sleep(300);
                        ac.getResponse().getWriter().print("async");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    ac.complete();
                }, "app-async-worker").start();
            }
        }).setAsyncSupported(true);
        ctx.addServletMappingDecoded("/async", "async");
        Tomcat.addServlet(ctx, "asyncdispatch", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.startAsync().dispatch("/hello");
            }
        }).setAsyncSupported(true);
        ctx.addServletMappingDecoded("/asyncdispatch", "asyncdispatch");
        add(ctx, "slow", "/slow", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    Thread.sleep(Long.parseLong(req.getParameter("ms")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                resp.getWriter().print("slept");
            }
        });
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(1, r -> {
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
                    int status = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            HttpURLConnection c = (HttpURLConnection) new URL(req.getParameter("target")).openConnection();
                            return c.getResponseCode();
                        } catch (IOException e) {
                            return -1;
                        }
                    }).get();
                    resp.getWriter().print(name + " " + status);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        add(ctx, "untraced", "/untraced-work", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                // work started outside any transaction on the pool thread that ran traced work before
                Thread t = new Thread(() -> {
                    try {
                        pool.submit(() -> {
                            HttpURLConnection c = (HttpURLConnection) new URL(req.getParameter("target")).openConnection();
                            return c.getResponseCode();
                        }).get();
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
