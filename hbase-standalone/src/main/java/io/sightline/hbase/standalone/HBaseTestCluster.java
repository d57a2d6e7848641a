package io.sightline.hbase.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One embedded HBase per test JVM, on free ports and a temporary folder, stopped when the JVM
 * exits. Modules' tests find the HBase jars through the system property
 * {@code sightline.hbase.lib} (set by their surefire configuration to
 * {@code hbase-standalone/target/hbase-lib}).
 */
public final class HBaseTestCluster {
    public static final String LIB_PROPERTY = "sightline.hbase.lib";
    private static EmbeddedHBase shared;
    private static Path sharedDir;

    private HBaseTestCluster() {
    }

    /** The shared instance, started on first use. */
    public static synchronized EmbeddedHBase shared() {
        if (shared == null || !shared.isAlive()) {
            try {
                sharedDir = Files.createTempDirectory("sightline-test-hbase");
                shared = EmbeddedHBase.start(sharedDir, libDir(), EmbeddedHBase.Options.defaults().withMaxHeap("640m"));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test HBase", e);
            }
            EmbeddedHBase started = shared;
            Path dir = sharedDir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // throwaway data: no need for an ordered shutdown, and the test JVM exits sooner
                started.kill();
                deleteRecursively(dir);
            }, "sightline-test-hbase-stop"));
        }
        return shared;
    }

    /** The HBase lib dir from {@value #LIB_PROPERTY}; fails clearly when unset. */
    public static Path libDir() {
        String lib = System.getProperty(LIB_PROPERTY);
        if (lib == null || lib.isBlank()) {
            throw new IllegalStateException("system property " + LIB_PROPERTY
                    + " must point at hbase-standalone/target/hbase-lib (set it in surefire's systemPropertyVariables)");
        }
        return Path.of(lib);
    }

    /** Deletes a folder tree, ignoring what cannot be deleted. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
