package io.sightline.storage.query;

import java.util.List;

/** An application (a node on the server map) and its agents. */
public record Application(String name, String serviceType, List<Agent> agents) {
}
