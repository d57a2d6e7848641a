package io.sightline.agent.plugins.jdbc.h2;

import java.util.List;

import io.sightline.agent.plugin.InstrumentationPlugin;
import io.sightline.agent.plugin.TypeInstrumentation;
import io.sightline.agent.plugins.jdbc.JdbcInstrumentations;

/** The H2 driver: connections and statements of org.h2.jdbc (H2 1.4 and 2.x). */
public final class H2Plugin implements InstrumentationPlugin {
    @Override
    public String name() {
        return "jdbc-h2";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return JdbcInstrumentations.forDriver("org.h2.jdbc.JdbcConnection",
                new String[] {"org.h2.jdbc.JdbcConnection"},
                new String[] {"org.h2.jdbc.JdbcStatement", "org.h2.jdbc.JdbcPreparedStatement",
                    "org.h2.jdbc.JdbcCallableStatement"});
    }
}
