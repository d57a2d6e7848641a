package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.standalone.EmbeddedHBase;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.AgentInfo;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.AgentServiceGrpc;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanBatch;
import io.sightline.protocol.v1.SpanServiceGrpc;
import io.sightline.storage.query.ServerMap;
import io.sightline.storage.query.TransactionQuery;
import io.sightline.storage.read.HBaseQueries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged server jar as a process on the embedded HBase: health 503 then 200, ingest,
 * SIGTERM in order (web, collector flush, HBase), and the data (spans and the map statistics
 * flushed at stop) present after a restart of HBase on the same folder.
 */
// the schema command must meet the shared external HBase before the two-process test applies the schema there
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerProcessIT {
    private static final String ADMIN_PASSWORD = "it-admin-password";
    private static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("sightline-server-it");
    }

    @AfterAll
    static void tearDown() {
        HBaseTestCluster.deleteRecursively(dir);
    }

    private static String logTail(Path log) throws java.io.IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.substring(Math.max(0, s.length() - 3000));
    }

    @Test
    void healthThenIngestThenOrderedSigtermThenDataSurvives() throws Exception {
        int http = EmbeddedHBase.freePort();
        int grpc = EmbeddedHBase.freePort();
        Path data = dir.resolve("data");
        Path out = dir.resolve("server.log");
        Path jar = Path.of(System.getProperty("sightline.server.jar"));
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", jar.toString(),
                "--server.port=" + http, "--sightline.collector.port=" + grpc, "--sightline.data-dir=" + data,
                "--sightline.hbase.lib-dir=" + HBaseTestCluster.libDir(),
                // map statistics are then written only by the flush at stop
                "--sightline.collector.flush-interval=1h"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("SIGHTLINE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Process server = pb.start();
        byte[] t1 = new byte[16];
        byte[] t2 = new byte[16];
        t1[0] = 1;
        t2[0] = 2;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            List<Integer> codes = new ArrayList<>();
            List<String> apiWhileStarting = new ArrayList<>();
            String body = null;
            long deadline = System.currentTimeMillis() + 180_000;
            while (System.currentTimeMillis() < deadline && server.isAlive()) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                            + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    codes.add(r.statusCode());
                    if (r.statusCode() == 200) {
                        body = r.body();
                        break;
                    }
                    // the API while storage starts: 503 {"error":"storage is starting"}, not a 500 or a hang
                    HttpResponse<String> a = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                            + "/api/applications")).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                            .encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    apiWhileStarting.add(a.statusCode() + " " + a.headers().firstValue("Retry-After").orElse("-") + " " + a.body());
                } catch (java.io.IOException notListeningYet) {
                    // the port is not open yet
                }
                Thread.sleep(200);
            }
            assertThat(codes).as("health codes seen").isNotEmpty();
            assertThat(codes.get(0)).as("first answer while HBase boots").isEqualTo(503);
            assertThat(codes.get(codes.size() - 1)).as("last health code; API answers %s; server log: %s", apiWhileStarting,
                    logTail(out)).isEqualTo(200);
            assertThat(body).contains("\"status\":\"UP\"").doesNotContain("storage"); // no details for anonymous
            assertThat(apiWhileStarting).as("API answers while health was 503").isNotEmpty()
                    .contains("503 5 {\"error\":\"storage is starting\"}")
                    .allMatch(a -> a.equals("503 5 {\"error\":\"storage is starting\"}") || a.startsWith("200 "));

            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
            long now = System.currentTimeMillis();
            try {
                AgentServiceGrpc.newBlockingStub(channel).register(AgentInfo.newBuilder().setAgentId("it-1")
                        .setApplicationName("it-app").setServiceType("TOMCAT").setStartTime(now - 1000).build());
                AgentRef ref = AgentRef.newBuilder().setAgentId("it-1").setApplicationName("it-app").build();
                assertThat(SpanServiceGrpc.newBlockingStub(channel).send(SpanBatch.newBuilder().setAgent(ref)
                        .addSpans(span(t1, 1, now, 12)).addSpans(span(t2, 2, now + 1, 1200)).build()).getAccepted()).isEqualTo(2);
            } finally {
                channel.shutdownNow();
            }

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(120, TimeUnit.SECONDS)).as("server exits after SIGTERM").isTrue();
        } finally {
            if (server.isAlive()) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        int web = log.indexOf("Graceful shutdown complete");
        int collectorStopping = log.indexOf("Stopping the collector");
        int collectorStopped = log.indexOf("Collector stopped (server-map statistics flushed)");
        int hbaseStopping = log.indexOf("Stopping the embedded HBase (ordered shutdown)");
        int hbaseStopped = log.indexOf("Embedded HBase stopped");
        assertThat(List.of(web, collectorStopping, collectorStopped, hbaseStopping, hbaseStopped)).as(log)
                .doesNotContain(-1).isSorted();
        assertThat(Files.readString(data.resolve("logs/hbase.log"))).contains("sightline-child: stop requested by the parent");
        assertThat(data.resolve("hbase.pid")).doesNotExist();

        // HBase again on the same folder: the spans and the map statistics flushed at stop are there
        try (EmbeddedHBase hbase = EmbeddedHBase.start(data, HBaseTestCluster.libDir(), EmbeddedHBase.Options.defaults());
             Connection c = HBaseConnections.connect(hbase.quorum())) {
            HBaseQueries q = new HBaseQueries(c);
            long from = 0;
            assertThat(q.scatter(new TransactionQuery("it-app", from, Long.MAX_VALUE, null, null, null, null, null, null, 100,
                    null)).points()).extracting(p -> p.transactionId()).containsExactly(TraceIds.traceIdHex(t2), TraceIds.traceIdHex(t1));
            ServerMap map = q.serverMap("it-app", System.currentTimeMillis() - 3_600_000, System.currentTimeMillis() + 60_000);
            assertThat(map.links()).singleElement().satisfies(l -> {
                assertThat(l.from()).isEqualTo("USER^USER");
                assertThat(l.to()).isEqualTo("it-app^TOMCAT");
                assertThat(l.totalCount()).isEqualTo(2);
                assertThat(l.histogram().under1s()).isEqualTo(1);
                assertThat(l.histogram().under3s()).isEqualTo(1);
                assertThat(l.maxElapsed()).isEqualTo(1200);
            });
            q.close();
        }
    }

    @Test
    @Order(1)
    void schemaSubCommandAgainstAnExternalHBase() throws Exception {
        String quorum = HBaseTestCluster.shared().quorum();
        Path jar = Path.of(System.getProperty("sightline.server.jar"));
        Process p = new ProcessBuilder(javaBin(), "-jar", jar.toString(), "schema", "--zookeeper=" + quorum)
                .redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(first).isZero();
        assertThat(first).contains("schema: apply step 1 create-tables").contains("schema: apply step 2 scatter-density")
                .contains("schema: version 0 -> 2");
        Process again = new ProcessBuilder(javaBin(), "-jar", jar.toString(), "schema", "--zookeeper=" + quorum, "--dry-run")
                .redirectErrorStream(true).start();
        String second = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).isZero();
        assertThat(second).contains("schema: schema is up to date (version 2)")
                .contains("schema: version 2 -> 2 (dry run, nothing changed)");
        Process bad = new ProcessBuilder(javaBin(), "-jar", jar.toString(), "schema").redirectErrorStream(true).start();
        String third = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(third).contains("--zookeeper=host:port is required");
    }

    /**
     * Two server processes on one external HBase, a collector and a web: the web answers an
     * agent's live requests by asking the collector process that holds its command stream.
     */
    @Test
    void webAndCollectorProcessesAnswerLiveRequestsTogether() throws Exception {
        String quorum = HBaseTestCluster.shared().quorum();
        int http = EmbeddedHBase.freePort();
        int collectorHttp = EmbeddedHBase.freePort();
        int grpc = EmbeddedHBase.freePort();
        Path jar = Path.of(System.getProperty("sightline.server.jar"));
        String password = "two-process-pw-1";
        List<Process> servers = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        String agentId = "two-proc-" + Long.toString(System.nanoTime(), 36);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ManagedChannel channel = null;
        try {
            for (List<String> role : List.of(
                    List.of("--sightline.roles=collector", "--sightline.collector.port=" + grpc, "--server.port=" + collectorHttp),
                    List.of("--sightline.roles=web", "--server.port=" + http))) {
                List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx384m", "-jar", jar.toString(),
                        "--sightline.hbase.zookeeper=" + quorum, "--sightline.data-dir=" + Files.createTempDirectory(dir, "d")));
                cmd.addAll(role);
                logs.add(Files.createTempFile(dir, "server", ".log"));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.get(logs.size() - 1).toFile());
                pb.environment().put("SIGHTLINE_ADMIN_PASSWORD", password);
                servers.add(pb.start());
            }
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
            java.util.function.Supplier<HttpResponse<String>> active = () -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/agents/" + agentId + "/active"))
                            .header("Authorization", basic).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    return null;
                }
            };
            // both processes are up; the web answers 404: nobody holds the agent yet
            long deadline = System.currentTimeMillis() + 300_000;
            for (int port : new int[] {collectorHttp, http}) {
                int code = 0;
                while (System.currentTimeMillis() < deadline && code != 200) {
                    Thread.sleep(300);
                    try {
                        code = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                    } catch (java.io.IOException notListeningYet) {
                        code = 0;
                    }
                }
                assertThat(code).as(() -> "health of :" + port + " " + tail(logs)).isEqualTo(200);
            }
            HttpResponse<String> r = active.get();
            assertThat(r).isNotNull();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);

            // an agent opens its command stream to the collector process once it listens
            channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
            io.sightline.protocol.v1.CommandReply hello = io.sightline.protocol.v1.CommandReply.newBuilder()
                    .setHello(io.sightline.protocol.v1.AgentHello.newBuilder().setProtocolVersion(1).setAgent(
                            AgentRef.newBuilder().setAgentId(agentId).setApplicationName("two-proc").setAgentStartTime(1000))).build();
            io.grpc.stub.StreamObserver<io.sightline.protocol.v1.CommandReply>[] out = new io.grpc.stub.StreamObserver[1];
            out[0] = io.sightline.protocol.v1.CommandServiceGrpc.newStub(channel).connect(new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.sightline.protocol.v1.Command c) {
                    synchronized (out) {
                        out[0].onNext(io.sightline.protocol.v1.CommandReply.newBuilder().setRequestId(c.getRequestId())
                                .setActiveRequests(io.sightline.protocol.v1.ActiveRequests.newBuilder().addRequests(
                                        io.sightline.protocol.v1.ActiveRequest.newBuilder().setUri("/slow").setStartTime(1000)
                                                .setElapsed(8123).setThreadName("exec-3").addStack("org.example.Slow.sleep(Slow.java:12)")))
                                .build());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            synchronized (out) {
                out[0].onNext(hello);
            }
            deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && (r == null || r.statusCode() != 200)) {
                Thread.sleep(300);
                r = active.get();
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("[{\"transactionId\":null,\"uri\":\"/slow\",\"startTime\":1000,\"elapsed\":8123,"
                    + "\"threadName\":\"exec-3\",\"stack\":[\"org.example.Slow.sleep(Slow.java:12)\"]}]");

            // the stream closes: not connected any more
            synchronized (out) {
                out[0].onCompleted();
            }
            deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && r.statusCode() != 404) {
                Thread.sleep(300);
                r = active.get();
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            for (Process p : servers) {
                p.destroy();
            }
            for (Process p : servers) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static String tail(List<Path> logs) {
        StringBuilder b = new StringBuilder();
        for (Path p : logs) {
            try {
                String l = Files.readString(p, StandardCharsets.UTF_8);
                b.append("\n--- ").append(p).append('\n').append(l.substring(Math.max(0, l.length() - 4000)));
            } catch (java.io.IOException e) {
                b.append(e);
            }
        }
        return b.toString();
    }

    private static Span span(byte[] trace, long id, long start, int elapsed) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(id).setServiceType("TOMCAT")
                .setStartTime(start).setElapsed(elapsed).setMethod("GET").setUri("/it").build();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
