package io.sightline.agent.plugin;

import java.util.List;

/**
 * One instrumented library. A plugin module lists its implementation in
 * {@code META-INF/services/io.sightline.agent.plugin.InstrumentationPlugin}; the agent finds it
 * there, so adding a plugin is adding a module.
 */
public interface InstrumentationPlugin {

    /** Short name, the module's name: {@code sightline.plugin.<name>.enabled=false} switches it off. */
    String name();

    /** The types this plugin changes and how. */
    List<TypeInstrumentation> typeInstrumentations();
}
