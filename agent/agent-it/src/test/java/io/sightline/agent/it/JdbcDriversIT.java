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
 * The network JDBC drivers against the database servers of this machine (PostgreSQL 5432,
 * MariaDB 3306). A test is skipped, saying so, when its server is not running.
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
        String[] jars = new String[3 + extraJars.length];
        jars[0] = "tomcat-embed-core";
        jars[1] = "tomcat-annotations-api";
        jars[2] = driverJar;
        System.arraycopy(extraJars, 0, jars, 3, extraJars.length);
        try (TestCollector collector = TestCollector.start();
             ForkedJvm app = ForkedJvm.builder().withAgent()
                     .property("sightline.applicationName", "it-jdbc")
                     .property("sightline.collector", collector.address())
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .property("url", url).property("user", user).property("pool", pool)
                     .classpath(ForkedJvm.classpath(jars))
                     .main(JdbcApp.class.getName())
                     .start()) {
            String[] ready = app.awaitLine("READY", WAIT).split(" ");
            String table = ready[1];
            assertThat(Http.get("http://127.0.0.1:" + ready[0] + "/jdbc?name=George").body()).isEqualTo("1:George\n");
            Span span = collector.awaitSpan("/jdbc", WAIT);
            assertThat(span.getEventsList()).hasSize(4);
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
            assertThat(batch.getBindValuesList()).isEmpty();
            SpanEvent delete = span.getEvents(3);
            assertThat(collector.metadata(delete.getApiId())).isEqualTo("Statement.execute");
            for (int i = 0; i < 4; i++) {
                SpanEvent e = span.getEvents(i);
                assertThat(e.getSequence()).isEqualTo(i + 1);
                assertThat(e.getDepth()).isEqualTo(1);
                assertThat(e.getError()).isFalse();
            }
            return span;
        }
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
