package io.sightline.server.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code --demo}: runs the demo shop (demo-shop calling demo-inventory, both with the agent) as two
 * child JVMs on free ports and sends it steady, bounded traffic. The children stop with the server
 * (SIGTERM here, or their own watchdog when this process dies).
 */
@Component
@ConditionalOnProperty(name = "demo")
public class DemoLauncher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DemoLauncher.class);

    private final Path dataDir;
    private final int collectorPort;
    private final int webPort;
    private final String agentJarSetting;
    private final String demoJarSetting;
    private final List<Process> children = new ArrayList<>();
    private volatile boolean running;
    private Thread traffic;

    public DemoLauncher(@Value("${sightline.data-dir:./sightline-data}") String dataDir,
                        @Value("${sightline.collector.port:9991}") int collectorPort,
                        @Value("${server.port:8080}") int webPort,
                        @Value("${sightline.demo.agent-jar:}") String agentJar,
                        @Value("${sightline.demo.app-jar:}") String demoJar) {
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
        this.collectorPort = collectorPort;
        this.webPort = webPort;
        this.agentJarSetting = agentJar;
        this.demoJarSetting = demoJar;
    }

    @Override
    public void start() {
        Path home = new ApplicationHome(DemoLauncher.class).getDir().toPath();
        Path agentJar = agentJarSetting.isEmpty() ? home.resolve("agent/sightline-agent.jar") : Path.of(agentJarSetting);
        Path demoJar = demoJarSetting.isEmpty() ? home.resolve("demo/sightline-demo.jar") : Path.of(demoJarSetting);
        if (!Files.isRegularFile(agentJar) || !Files.isRegularFile(demoJar)) {
            log.error("--demo needs {} and {} (built by `mvn package`); the demo is not started", agentJar, demoJar);
            return;
        }
        running = true;
        try {
            Path logs = Files.createDirectories(dataDir.resolve("demo"));
            int inventoryPort = freePort();
            int shopPort = freePort();
            children.add(startApp(agentJar, demoJar, logs, "demo-inventory", "inventory", inventoryPort, List.of()));
            children.add(startApp(agentJar, demoJar, logs, "demo-shop", "shop", shopPort, List.of(
                    "--demo.inventory-url=http://127.0.0.1:" + inventoryPort,
                    "--demo.partner-url=http://127.0.0.1:" + webPort + "/actuator/health")));
            log.info("demo: demo-shop on http://127.0.0.1:{} calling demo-inventory on :{}; logs in {}",
                    shopPort, inventoryPort, logs);
            traffic = new Thread(() -> sendTraffic(shopPort), "sightline-demo-traffic");
            traffic.setDaemon(true);
            traffic.start();
        } catch (IOException e) {
            log.error("demo could not start: {}", e.toString());
            stop();
        }
    }

    private Process startApp(Path agentJar, Path demoJar, Path logs, String name, String role, int port,
                             List<String> extra) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx192m", "-XX:TieredStopAtLevel=1",
                "-javaagent:" + agentJar,
                "-Dsightline.applicationName=" + name,
                "-Dsightline.agentId=" + name + "-1",
                "-Dsightline.collector=127.0.0.1:" + collectorPort,
                "-jar", demoJar.toString(),
                "--server.port=" + port,
                "--demo.role=" + role,
                "--demo.parent-pid=" + ProcessHandle.current().pid()));
        cmd.addAll(extra);
        File log = logs.resolve(name + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    }

    /** About three requests a second, one at a time, so the demo's load stays bounded. */
    private void sendTraffic(int shopPort) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + shopPort;
        while (running && !awaitPort(shopPort)) {
            sleep(500);
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String[] names = {"Davis", "Franklin", "Black", "Coleman", "Mc"};
        while (running) {
            int dice = rnd.nextInt(100);
            HttpRequest.Builder req;
            if (dice < 55) {
                req = HttpRequest.newBuilder(URI.create(base + "/owners/" + rnd.nextInt(1, 11)));
            } else if (dice < 67) {
                req = HttpRequest.newBuilder(URI.create(base + "/owners?lastName=" + names[rnd.nextInt(names.length)]));
            } else if (dice < 77) {
                req = HttpRequest.newBuilder(URI.create(base + "/orders?ownerId=" + rnd.nextInt(1, 11) + "&item=toy"))
                        .POST(HttpRequest.BodyPublishers.noBody());
            } else if (dice < 87) {
                req = HttpRequest.newBuilder(URI.create(base + "/partner"));
            } else if (dice < 91) {
                req = HttpRequest.newBuilder(URI.create(base + "/owners/" + rnd.nextInt(50, 99)));
            } else if (dice < 96) {
                req = HttpRequest.newBuilder(URI.create(base + "/fail"));
            } else {
                req = HttpRequest.newBuilder(URI.create(base + "/slow"));
            }
            try {
                http.send(req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            sleep(rnd.nextInt(150, 450));
        }
    }

    private static boolean awaitPort(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (traffic != null) {
            traffic.interrupt();
        }
        for (Process p : children) {
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web and the collector, so the demo agents' last spans still arrive. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
