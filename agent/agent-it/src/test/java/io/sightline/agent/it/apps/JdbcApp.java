package io.sightline.agent.it.apps;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

import javax.sql.DataSource;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Embedded Tomcat with one endpoint, /jdbc?name=x, running against the database given by
 * -Durl, -Duser, -Dpassword, through HikariCP when -Dpool=hikari. Table it_owners_<pid> is
 * created at start and dropped at exit (on MariaDB/MySQL also procedure it_abs_<pid>). Prints
 * "READY <port> <table> <callable SQL>". /jdbc runs, in order: a Statement update, a prepared
 * query with binds, a prepared batch of 2 rows, a Statement batch of 3, a callable statement
 * (abs(-5)) and a Statement delete, then prints "SLOTS" and how many slots the agent gave the
 * driver's connection, statement, prepared and callable statement (classes of their hierarchies).
 */
public final class JdbcApp {
    private JdbcApp() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getProperty("url");
        String user = System.getProperty("user");
        String password = System.getProperty("password", "");
        String table = "it_owners_" + ProcessHandle.current().pid();
        String procedure = "it_abs_" + ProcessHandle.current().pid();
        boolean mysql = url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:");
        // H2 runs CALL as an expression; pgjdbc turns the escape into a function call; MySQL needs a procedure
        String callSql = url.startsWith("jdbc:h2:") ? "call abs(?)"
                : mysql ? "{call " + procedure + "(?)}" : "{call abs(?)}";
        DataSource pool = null;
        if ("hikari".equals(System.getProperty("pool"))) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setMaximumPoolSize(2);
            pool = new HikariDataSource(c);
        }
        final DataSource ds = pool;
        try (Connection c = open(ds, url, user, password); Statement s = c.createStatement()) {
            s.execute("create table " + table + " (id int primary key, name varchar(100), city varchar(100))");
            s.execute("insert into " + table + " values (1, 'George', 'Madison'), (2, 'Betty', 'Sun Prairie')");
            if (mysql) {
                s.execute("create procedure " + procedure + "(in x int) select abs(x)");
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = open(ds, url, user, password); Statement s = c.createStatement()) {
                s.execute("drop table " + table);
                if (mysql) {
                    s.execute("drop procedure " + procedure);
                }
            } catch (SQLException ignored) {
                // best effort
            }
        }));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/sightline-tomcat-" + ProcessHandle.current().pid());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "jdbc", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                StringBuilder out = new StringBuilder();
                try (Connection c = open(ds, url, user, password)) {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("update " + table + " set city = 'Madison' where id = 1");
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "select id, name from " + table + " where name = ? and id > ? and (city = ? or city = ?)")) {
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
                    try (PreparedStatement ps = c.prepareStatement("insert into " + table + " values (?, ?, 'x')")) {
                        for (int id = 100; id < 102; id++) {
                            ps.setInt(1, id);
                            ps.setString(2, "batch" + id);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    try (Statement s = c.createStatement()) {
                        s.addBatch("update " + table + " set city = 'Verona' where id = 100");
                        s.addBatch("update " + table + " set city = 'Middleton' where id = 101");
                        s.addBatch("delete from " + table + " where id = 999");
                        s.executeBatch();
                    }
                    try (java.sql.CallableStatement cs = c.prepareCall(callSql)) {
                        cs.setInt(1, -5);
                        if (cs.execute()) {
                            try (ResultSet rs = cs.getResultSet()) {
                                rs.next();
                                out.append("abs=").append(rs.getInt(1)).append('\n');
                            }
                        }
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute("delete from " + table + " where id >= 100");
                    }
                    try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("select 1");
                         java.sql.CallableStatement cs = c.prepareCall(callSql)) {
                        // the driver's own objects behind a pool's proxies
                        System.out.println("SLOTS " + slots(c.unwrap(Connection.class)) + " " + slots(s.unwrap(Statement.class))
                                + " " + slots(ps.unwrap(PreparedStatement.class)) + " " + slots(cs.unwrap(java.sql.CallableStatement.class)));
                        System.out.flush();
                    }
                } catch (SQLException e) {
                    throw new IOException(e);
                }
                resp.getWriter().print(out);
            }
        });
        ctx.addServletMappingDecoded("/jdbc", "jdbc");
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort() + " " + table + " " + callSql);
        System.out.flush();
        tomcat.getServer().await();
    }

    /** How many classes of the object's hierarchy got the agent's slot (its bridge interface): one expected. */
    private static int slots(Object o) {
        int n = 0;
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("io.sightline.agent.bridge.Slotted")) {
                    n++;
                }
            }
        }
        return n;
    }

    private static Connection open(DataSource ds, String url, String user, String password) throws SQLException {
        return ds != null ? ds.getConnection() : DriverManager.getConnection(url, user, password);
    }
}
