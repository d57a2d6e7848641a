package io.sightline.agent.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:mem:testdb;DB_CLOSE_DELAY=-1 | org.h2.jdbc.JdbcConnection | H2 | testdb",
        "jdbc:h2:mem: | org.h2.jdbc.JdbcConnection | H2 | mem",
        "jdbc:h2:file:/x/y/db;MODE=PostgreSQL | org.h2.jdbc.JdbcConnection | H2 | /x/y/db",
        "jdbc:h2:~/test | org.h2.jdbc.JdbcConnection | H2 | ~/test",
        "jdbc:h2:tcp://dbhost:9092/~/sample | org.h2.jdbc.JdbcConnection | H2 | dbhost:9092/~/sample",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=x | org.postgresql.jdbc.PgConnection | POSTGRESQL | 127.0.0.1:5432/test",
        "jdbc:postgresql://pg1,pg2:5433/app | org.postgresql.jdbc.PgConnection | POSTGRESQL | pg1:5432/app",
        "jdbc:postgresql:app | org.postgresql.jdbc.PgConnection | POSTGRESQL | localhost:5432/app",
        "jdbc:mariadb://127.0.0.1/test | org.mariadb.jdbc.Connection | MARIADB | 127.0.0.1:3306/test",
        "jdbc:mariadb:replication://user:pw@m1:3307,m2/db?x=1 | org.mariadb.jdbc.Connection | MARIADB | m1:3307/db",
        "jdbc:mysql://[::1]:3306/test | com.mysql.cj.jdbc.ConnectionImpl | MYSQL | [::1]:3306/test",
        "jdbc:mysql://127.0.0.1:3306/test | org.mariadb.jdbc.Connection | MARIADB | 127.0.0.1:3306/test",
        "jdbc:mysql://address=(host=db1)(port=3310)(user=u)/shop | com.mysql.cj.jdbc.ConnectionImpl | MYSQL | db1:3310/shop",
    })
    void describes(String url, String driver, String type, String destination) {
        JdbcUrls.DbInfo info = JdbcUrls.describe(url, driver);
        assertThat(info.serviceType).isEqualTo(type);
        assertThat(info.destination).isEqualTo(destination);
    }
}
