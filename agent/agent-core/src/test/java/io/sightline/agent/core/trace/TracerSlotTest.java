package io.sightline.agent.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.bridge.Slotted;
import io.sightline.agent.core.util.Backlog;

/**
 * The tracer's JDBC state kept in the driver objects' slots gives the same events as kept in its
 * weak maps: the same H2 calls, once with the driver's plain objects and once with the same
 * objects seen through a class that has the slot (as a driver class defined after the agent has).
 */
class TracerSlotTest {
    private final Backlog<SpanRecord> backlog = new Backlog<>(10);

    /** A JDBC object of H2 behind a proxy that also has the slot; getConnection answers {@code connection}. */
    static final class WithSlot implements InvocationHandler {
        final Object target;
        final Object connection;
        Object slot;

        WithSlot(Object target, Object connection) {
            this.target = target;
            this.connection = connection;
        }

        @SuppressWarnings("unchecked")
        static <T> T wrap(Class<T> type, Object target, Object connection) {
            return (T) Proxy.newProxyInstance(TracerSlotTest.class.getClassLoader(), new Class<?>[] {type, Slotted.class},
                    new WithSlot(target, connection));
        }

        static Object slotOf(Object proxy) {
            return ((WithSlot) Proxy.getInvocationHandler(proxy)).slot;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getDeclaringClass() == Slotted.class) {
                if (args == null) {
                    return slot;
                }
                slot = args[0];
                return null;
            }
            if (m.getName().equals("getConnection") && connection != null) {
                return connection;
            }
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private List<String> run(boolean slotted, String db) throws Exception {
        Tracer.Settings s = new Tracer.Settings();
        s.applicationName = "app";
        Tracer t = new Tracer(s, backlog, new TransactionStats());
        try (Connection real = DriverManager.getConnection("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1")) {
            real.createStatement().execute("create table t(id int, name varchar(20))");
            Connection c = slotted ? WithSlot.wrap(Connection.class, real, null) : real;
            String sql = "select name from t where id = ? and name = ?";
            PreparedStatement ps = slotted ? WithSlot.wrap(PreparedStatement.class, real.prepareStatement(sql), c)
                    : real.prepareStatement(sql);
            Statement st = slotted ? WithSlot.wrap(Statement.class, real.createStatement(), c) : real.createStatement();
            Object scope = t.serverEnter("TOMCAT", "GET", "/db", "h:8080", "http", "10.0.0.1", null, null, null, null, null);
            t.jdbcPrepared(ps, sql);
            if (slotted) {
                assertThat(WithSlot.slotOf(ps)).isInstanceOf(Tracer.StatementState.class);
            }
            t.jdbcBind(ps, 1, 7);
            t.jdbcBind(ps, 2, "ann");
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcBind(ps, 1, 8); // the second value stays bound
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.jdbcClearParameters(ps);
            for (int row = 1; row <= 2; row++) {
                t.jdbcBind(ps, 1, row);
                t.jdbcBind(ps, 2, "n" + row);
                t.jdbcAddBatch(ps, null);
            }
            t.jdbcExit(t.jdbcEnter(ps, "executeBatch", null), null);
            t.jdbcAddBatch(st, "insert into t values (1, 'a')");
            t.jdbcAddBatch(st, "delete from t where id = 2");
            t.jdbcExit(t.jdbcEnter(st, "executeBatch", null), null);
            t.jdbcExit(t.jdbcEnter(st, "execute", "delete from t where id = 3"), null);
            t.jdbcClosed(ps);
            if (slotted) {
                assertThat(WithSlot.slotOf(ps)).isNull();
                assertThat(WithSlot.slotOf(c)).isNotNull(); // the connection's database, kept once
            }
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null); // closed: its state is gone
            t.jdbcPrepared(ps, "select 1 from t where id = ?"); // a driver's pooled statement, prepared again
            t.jdbcBind(ps, 1, 9);
            t.jdbcExit(t.jdbcEnter(ps, "executeQuery", null), null);
            t.serverExit(scope, 200, null, null);
        }
        List<SpanRecord> out = new ArrayList<>();
        backlog.drainTo(out, 10);
        assertThat(out).hasSize(1);
        List<String> events = new ArrayList<>();
        for (EventRecord e : out.get(0).events()) {
            events.add(e.api + " | " + e.sql + " | " + e.bindValues + " | " + e.argument + " | " + e.serviceType + " "
                    + e.destination);
        }
        return events;
    }

    @Test
    void theSlotGivesTheSameEventsAsTheWeakMaps() throws Exception {
        List<String> plain = run(false, "slotplain");
        List<String> slotted = run(true, "slotted");
        assertThat(plain).containsExactly(
                "PreparedStatement.executeQuery | select name from t where id = ? and name = ? | [7, ann] | null | H2 slotplain",
                "PreparedStatement.executeQuery | select name from t where id = ? and name = ? | [8, ann] | null | H2 slotplain",
                "PreparedStatement.executeBatch | select name from t where id = ? and name = ? | [1, n1, 2, n2] | batch of 2 | H2 slotplain",
                "Statement.executeBatch | insert into t values (?, ?); delete from t where id = ? | null | batch of 2 | H2 slotplain",
                "Statement.execute | delete from t where id = ? | null | null | H2 slotplain",
                "PreparedStatement.executeQuery | null | null | null | H2 slotplain",
                "PreparedStatement.executeQuery | select ? from t where id = ? | [9] | null | H2 slotplain");
        List<String> expected = new ArrayList<>();
        for (String e : plain) {
            expected.add(e.replace("slotplain", "slotted"));
        }
        assertThat(slotted).isEqualTo(expected);
    }
}
