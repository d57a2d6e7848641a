package io.sightline.agent.plugins.jdbc.mysql;

import java.util.List;

import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import io.sightline.agent.plugins.jdbc.JdbcInstrumentations;

/** MySQL Connector/J 8.x and 9.x (com.mysql.cj.jdbc.*). Only the driver's own classes are changed; a pool's proxies are not. */
public final class MysqlPlugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "jdbc-mysql";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return JdbcInstrumentations.forDriver("com.mysql.cj.jdbc.ConnectionImpl",
                new String[] {"com.mysql.cj.jdbc.ConnectionImpl"},
                new String[] {"com.mysql.cj.jdbc.StatementImpl", "com.mysql.cj.jdbc.ClientPreparedStatement",
                    "com.mysql.cj.jdbc.ServerPreparedStatement", "com.mysql.cj.jdbc.CallableStatement"});
    }
}
