package io.sightline.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path of a test application module under agent/agent-it-apps (a stack that can't
 * share agent-it's class path: Spring Boot 2.7 with Tomcat 9, Spring Boot 4 with Tomcat 11):
 * its target/classes plus the entries of its target/classpath.txt, both built by the reactor
 * before agent-it.
 */
final class AppModules {
    private AppModules() {
    }

    static List<String> classpath(String module) throws IOException {
        Path dir = Path.of("..", "agent-it-apps", module).toAbsolutePath().normalize();
        Path classes = dir.resolve("target/classes");
        Path file = dir.resolve("target/classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(file)) {
            throw new IllegalStateException("test application " + dir + " is not built; run: mvn -pl agent/agent-it -am verify");
        }
        List<String> out = new ArrayList<>();
        out.add(classes.toString());
        for (String entry : Files.readString(file, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                out.add(entry);
            }
        }
        return out;
    }
}
