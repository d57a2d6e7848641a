package io.sightline.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where `mvn package` left the build outputs (CONTRACT.md "Build outputs"). */
final class Dist {
    private Dist() {
    }

    static Path root() {
        Path p = Path.of(System.getProperty("sightline.dist", "../dist")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("no dist folder at " + p + ": run `mvn -B -DskipTests package` first");
        }
        return p;
    }

    static Path serverJar() {
        return existing(root().resolve("sightline-server.jar"));
    }

    static Path agentJar() {
        return existing(root().resolve("agent/sightline-agent.jar"));
    }

    static Path demoJar() {
        return existing(root().resolve("demo/sightline-demo.jar"));
    }

    /** A scratch folder under target/ for one test class. */
    static Path work(String name) {
        Path base = Path.of(System.getProperty("sightline.it.work", "target/it-work")).toAbsolutePath();
        return base.resolve(name + "-" + System.currentTimeMillis());
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing build output " + p + ": run `mvn -B -DskipTests package` first");
        }
        return p;
    }
}
