package io.sightline.agent.plugins.jdbc.mariadb;

import java.util.List;

import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import io.sightline.agent.plugins.jdbc.JdbcInstrumentations;

/** MariaDB Connector/J 3.x (org.mariadb.jdbc.*). Only the driver's own classes are changed; a pool's proxies are not. */
public final class MariadbPlugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "jdbc-mariadb";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return JdbcInstrumentations.forDriver("org.mariadb.jdbc.Connection",
                new String[] {"org.mariadb.jdbc.Connection"},
                new String[] {"org.mariadb.jdbc.Statement", "org.mariadb.jdbc.BasePreparedStatement",
                    "org.mariadb.jdbc.ClientPreparedStatement", "org.mariadb.jdbc.ServerPreparedStatement",
                    "org.mariadb.jdbc.BaseCallableStatement", "org.mariadb.jdbc.ProcedureStatement",
                    "org.mariadb.jdbc.FunctionStatement"});
    }
}
