package io.sightline.agent.plugins.jdbc.postgresql;

import java.util.List;

import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import io.sightline.agent.plugins.jdbc.JdbcInstrumentations;

/** PostgreSQL 42.x JDBC driver (org.postgresql.jdbc.*). Only the driver's own classes are changed; a pool's proxies are not. */
public final class PostgresqlPlugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "jdbc-postgresql";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return JdbcInstrumentations.forDriver("org.postgresql.jdbc.PgConnection",
                new String[] {"org.postgresql.jdbc.PgConnection"},
                new String[] {"org.postgresql.jdbc.PgStatement", "org.postgresql.jdbc.PgPreparedStatement",
                    "org.postgresql.jdbc.PgCallableStatement"});
    }
}
