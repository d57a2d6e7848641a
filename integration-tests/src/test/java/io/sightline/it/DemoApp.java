package io.sightline.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo application (a Spring Boot 3 app that knows nothing of Sightline) in its own JVM with
 * the packaged agent attached.
 */
final class DemoApp implements AutoCloseable {
    final String application;
    final String agentId;
    final int port;
    private final JavaProcess process;

    private DemoApp(String application, String agentId, int port, JavaProcess process) {
        this.application = application;
        this.agentId = agentId;
        this.port = port;
        this.process = process;
    }

    static DemoApp start(String java, Path logDir, String role, String application, String agentId,
                         String collector, List<String> appArgs) throws IOException, InterruptedException {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of(
                "-Xmx256m",
                "-javaagent:" + Dist.agentJar(),
                "-Dsightline.applicationName=" + application,
                "-Dsightline.agentId=" + agentId,
                "-Dsightline.collector=" + collector,
                "-jar", Dist.demoJar().toString(),
                "--server.port=" + port,
                "--demo.role=" + role));
        args.addAll(appArgs);
        JavaProcess p = JavaProcess.start(agentId, logDir, java, args, Map.of());
        DemoApp app = new DemoApp(application, agentId, port, p);
        app.waitUp(Duration.ofSeconds(90));
        return app;
    }

    private void waitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(agentId + " exited\n" + process.tail(60));
            }
            // a TCP connect, not an HTTP request: a request would be a traced transaction
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(300);
            }
        }
        throw new AssertionError(agentId + " did not start within " + timeout + "\n" + process.tail(60));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Api http() {
        return new Api(baseUrl(), null, null);
    }

    JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
