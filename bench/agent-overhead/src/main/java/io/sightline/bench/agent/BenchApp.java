package io.sightline.bench.agent;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The measured application: GET /work runs two H2 queries with binds, one of them on an executor. */
public final class BenchApp {
    private BenchApp() {
    }

    public static void main(String[] args) throws Exception {
        Connection setup = DriverManager.getConnection("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        try (Statement s = setup.createStatement()) {
            s.execute("create table items(id int primary key, name varchar(50))");
            for (int i = 0; i < 100; i++) {
                s.execute("insert into items values (" + i + ", 'item" + i + "')");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ThreadLocal<Connection> conn = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection("jdbc:h2:mem:bench");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/sightline-bench-" + ProcessHandle.current().pid());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "work", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    int id = Integer.parseInt(req.getParameter("id"));
                    String a = query(conn.get(), id);
                    String b = pool.submit(() -> query(conn.get(), (id + 1) % 100)).get();
                    resp.getWriter().print(a + "," + b);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        ctx.addServletMappingDecoded("/work", "work");
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    static String query(Connection c, int id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select name from items where id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
