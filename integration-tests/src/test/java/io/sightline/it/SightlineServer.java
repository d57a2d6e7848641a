package io.sightline.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `java -jar dist/sightline-server.jar` on free ports and a data folder of the test's own. */
final class SightlineServer implements AutoCloseable {
    static final String PASSWORD = "it-" + Long.toHexString(System.nanoTime());

    final Path dataDir;
    final Path logDir;
    final int httpPort;
    final int collectorPort;
    private final List<String> extraArgs;
    private JavaProcess process;

    SightlineServer(Path workDir, List<String> extraArgs) {
        this.dataDir = workDir.resolve("data");
        this.logDir = workDir.resolve("logs");
        this.httpPort = Ports.free();
        this.collectorPort = Ports.free();
        this.extraArgs = extraArgs;
    }

    /** Starts the server and waits for /actuator/health to say UP. */
    SightlineServer start(Duration timeout) throws IOException, InterruptedException {
        launch();
        waitHealthy(timeout);
        return this;
    }

    void waitHealthy(Duration timeout) throws IOException, InterruptedException {
        Api anonymous = anonymous();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited before it was healthy\n" + process.tail(80));
            }
            try {
                Api.Response r = anonymous.get("/actuator/health");
                last = r.status() + " " + r.body();
                if (r.status() == 200 && r.json().path("status").asText().equals("UP")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("server not healthy within " + timeout + " (last: " + last + ")\n" + process.tail(80));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    Api api() {
        return new Api(baseUrl(), "admin", PASSWORD);
    }

    Api anonymous() {
        return new Api(baseUrl(), null, null);
    }

    /** Starts without waiting for health. */
    SightlineServer launch() throws IOException {
        List<String> args = new ArrayList<>(List.of("-Xmx768m", "-jar", Dist.serverJar().toString(),
                "--server.port=" + httpPort,
                "--sightline.collector.port=" + collectorPort,
                "--sightline.data-dir=" + dataDir));
        args.addAll(extraArgs);
        process = JavaProcess.start("server", logDir, args, Map.of("SIGHTLINE_ADMIN_PASSWORD", PASSWORD));
        return this;
    }

    JavaProcess process() {
        return process;
    }

    String collectorAddress() {
        return "127.0.0.1:" + collectorPort;
    }

    /** SIGTERM and wait; returns the exit code. */
    int stop() throws InterruptedException {
        return process.stop(120);
    }

    JsonNode health() throws IOException, InterruptedException {
        return anonymous().get("/actuator/health").json();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
