package io.sightline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the UI's browser checks (web/e2e/run.mjs: playwright-core driving Debian's headless
 * Chromium) against a running server. Skipped, with the reason, where Chromium or node is absent.
 */
final class BrowserChecks {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private BrowserChecks() {
    }

    static Path e2eDir() {
        return Path.of(System.getProperty("sightline.web.e2e", "../web/e2e")).toAbsolutePath().normalize();
    }

    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "browser checks skipped: no /usr/bin/chromium (apt-get install chromium chromium-driver)");
        Assumptions.assumeTrue(run(List.of("node", "--version"), e2eDir(), 30).exit == 0,
                "browser checks skipped: no node on the PATH");
    }

    record Result(int exit, String output) {
    }

    /** npm ci (once per checkout), then node run.mjs with the given arguments. */
    static Result run(List<String> args, Path screenshots) {
        Path dir = e2eDir();
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, 600);
            if (install.exit != 0) {
                throw new AssertionError("npm ci in " + dir + " failed:\n" + install.output);
            }
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("node", "run.mjs", "--screenshots=" + screenshots));
        cmd.addAll(args);
        return run(cmd, dir, 600);
    }

    private static Result run(List<String> cmd, Path dir, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("sightline-e2e", ".log");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(out));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
