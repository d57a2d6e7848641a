package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.JdbcApp;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.agent.testing.TestCollector;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/**
 * The JDBC drivers: H2 in memory, and the network drivers against the database servers of this
 * machine (PostgreSQL 5432, MariaDB 3306). A test is skipped, saying so, when its server is not
 * running. Every driver runs the same calls: Statement, PreparedStatement with binds, both kinds
 * of batch, and a CallableStatement.
 */
class JdbcDriversIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    private static void assumeServer(int port, String what) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (Exception e) {
            assumeTrue(false, what + " is not running on 127.0.0.1:" + port + "; skipping");
        }
    }

    private Span run(String driverJar, String url, String user, String pool, String... extraJars) throws Exception {
        return runOn(ForkedJvm.JDK17, driverJar, url, user, pool, extraJars);
    }

    private Span runOn(String javaHome, String driverJar, String url, String user, String pool, String... extraJars)
            throws Exception {
        String[] jars = new String[3 + extraJars.length];
        jars[0] = "tomcat-embed-core";
        jars[1] = "tomcat-annotations-api";
        jars[2] = driverJar;
        System.arraycopy(extraJars, 0, jars, 3, extraJars.length);
        try (TestCollector collector = TestCollector.start();
             ForkedJvm app = ForkedJvm.builder().javaHome(javaHome).withAgent()
                     .property("sightline.applicationName", "it-jdbc")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .property("url", url).property("user", user).property("pool", pool)
                     .classpath(ForkedJvm.classpath(jars))
                     .main(JdbcApp.class.getName())
                     .start()) {
            String[] ready = app.awaitLine("READY", WAIT).split(" ", 3);
            String table = ready[1];
            String callSql = ready[2];
            assertThat(Http.get("http://127.0.0.1:" + ready[0] + "/jdbc?name=George").body()).isEqualTo("1:George\nabs=5\n");
            Span span = collector.awaitSpan("/jdbc", WAIT);
            assertThat(span.getEventsList()).hasSize(6);
            SpanEvent update = span.getEvents(0);
            assertThat(collector.metadata(update.getApiId())).isEqualTo("Statement.executeUpdate");
            assertThat(collector.metadata(update.getSqlId())).isEqualTo("update " + table + " set city = ? where id = ?");
            SpanEvent query = span.getEvents(1);
            assertThat(collector.metadata(query.getApiId())).isEqualTo("PreparedStatement.executeQuery");
            assertThat(collector.metadata(query.getSqlId()))
                    .isEqualTo("select id, name from " + table + " where name = ? and id > ? and (city = ? or city = ?)");
            assertThat(query.getBindValuesList()).containsExactly(
                    BindValue.newBuilder().setValue("George").build(),
                    BindValue.newBuilder().setValue("0").build(),
                    BindValue.newBuilder().setValue("Madison").build(),
                    BindValue.newBuilder().setNull(true).build());
            SpanEvent batch = span.getEvents(2);
            assertThat(collector.metadata(batch.getApiId())).isEqualTo("PreparedStatement.executeBatch");
            assertThat(collector.metadata(batch.getSqlId())).isEqualTo("insert into " + table + " values (?, ?, ?)");
            assertThat(batch.getArgument()).isEqualTo("batch of 2");
            assertThat(batch.getBindValuesList()).containsExactly(value("100"), value("batch100"), value("101"),
                    value("batch101"));
            SpanEvent statementBatch = span.getEvents(3);
            assertThat(collector.metadata(statementBatch.getApiId())).isEqualTo("Statement.executeBatch");
            assertThat(collector.metadata(statementBatch.getSqlId()))
                    .isEqualTo("update " + table + " set city = ? where id = ?; delete from " + table + " where id = ?");
            assertThat(statementBatch.getArgument()).isEqualTo("batch of 3");
            assertThat(statementBatch.getBindValuesList()).isEmpty();
            SpanEvent call = span.getEvents(4);
            assertThat(collector.metadata(call.getApiId())).isEqualTo("CallableStatement.execute");
            assertThat(collector.metadata(call.getSqlId())).isEqualTo(callSql);
            assertThat(call.getBindValuesList()).containsExactly(value("-5"));
            SpanEvent delete = span.getEvents(5);
            assertThat(collector.metadata(delete.getApiId())).isEqualTo("Statement.execute");
            assertThat(collector.metadata(delete.getSqlId())).isEqualTo("delete from " + table + " where id >= ?");
            for (int i = 0; i < 6; i++) {
                SpanEvent e = span.getEvents(i);
                assertThat(e.getSequence()).isEqualTo(i + 1);
                assertThat(e.getDepth()).isEqualTo(1);
                assertThat(e.getError()).isFalse();
            }
            // the driver's classes were defined after the agent started: each object has one slot
            assertThat(app.awaitLine("SLOTS", WAIT)).isEqualTo("1 1 1 1");
            return span;
        }
    }

    private static BindValue value(String v) {
        return BindValue.newBuilder().setValue(v).build();
    }

    @Test
    void h2InMemory() throws Exception {
        Span span = run("h2-", "jdbc:h2:mem:itdb;DB_CLOSE_DELAY=-1", "sa", "none");
        assertThat(span.getEventsList()).allMatch(e -> e.getServiceType().equals("H2") && e.getDestination().equals("itdb"));
    }

    /** The slots (bridge interface defined in the bootstrap loader, field added at definition) on Java 25. */
    @Test
    void h2InMemoryOnJdk25() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        Span span = runOn(ForkedJvm.JDK25, "h2-", "jdbc:h2:mem:itdb25;DB_CLOSE_DELAY=-1", "sa", "none");
        assertThat(span.getEventsList()).allMatch(e -> e.getServiceType().equals("H2") && e.getDestination().equals("itdb25"));
    }

    @Test
    void postgresqlThroughHikari() throws Exception {
        assumeServer(5432, "PostgreSQL");
        Span span = run("postgresql-", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "hikari", "HikariCP", "slf4j-api");
        assertThat(span.getEventsList()).allMatch(e -> e.getServiceType().equals("POSTGRESQL")
                && e.getDestination().equals("127.0.0.1:5432/test"));
    }

    @Test
    void mariadbDriver() throws Exception {
        assumeServer(3306, "MariaDB");
        Span span = run("mariadb-java-client", "jdbc:mariadb://127.0.0.1:3306/test", "root", "none");
        assertThat(span.getEventsList()).allMatch(e -> e.getServiceType().equals("MARIADB")
                && e.getDestination().equals("127.0.0.1:3306/test"));
    }

    @Test
    void mysqlConnectorJ() throws Exception {
        assumeServer(3306, "MariaDB/MySQL");
        Span span = run("mysql-connector-j", "jdbc:mysql://127.0.0.1:3306/test", "root", "none");
        assertThat(span.getEventsList()).allMatch(e -> e.getServiceType().equals("MYSQL")
                && e.getDestination().equals("127.0.0.1:3306/test"));
    }
}
