package io.sightline.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sightline.hbase.schema.HBaseConnections;
import io.sightline.hbase.schema.SchemaTool;
import io.sightline.hbase.standalone.HBaseTestCluster;
import io.sightline.protocol.v1.AgentServiceGrpc;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.Test;

/** Agents over TLS with a key store made by the JDK's keytool. */
class TlsTest {

    @Test
    void agentsConnectOverTlsAndPlaintextIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("sightline-tls");
        Path ks = dir.resolve("collector.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "collector", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(ks)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            cert = (X509Certificate) store.getCertificate("collector");
        }

        Connection connection = HBaseConnections.connect(HBaseTestCluster.shared().quorum());
        SchemaTool.apply(connection, 14, false, l -> { });
        Collector collector = new Collector(connection, CollectorConfig.defaults().withPort(0)
                .withTls(new CollectorConfig.Tls(ks, "changeit".toCharArray())), new CollectorMetrics()).start();
        ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", collector.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(cert).build()).build();
        ManagedChannel plain = CollectorTest.channel(collector.port());
        try {
            assertThat(AgentServiceGrpc.newBlockingStub(tls).ping(CollectorTest.ref("tls", "tls-1")).getServerTime()).isPositive();
            assertThatThrownBy(() -> AgentServiceGrpc.newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .ping(CollectorTest.ref("tls", "tls-1")))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            tls.shutdownNow();
            plain.shutdownNow();
            collector.stop(Duration.ofSeconds(5));
            connection.close();
            HBaseTestCluster.deleteRecursively(dir);
        }
        assertThat(new CollectorConfig.Tls(ks, "changeit".toCharArray()).toString()).doesNotContain("changeit");
        assertThatThrownBy(() -> new Collector(connection, CollectorConfig.defaults().withPort(0)
                .withTls(new CollectorConfig.Tls(dir.resolve("missing.p12"), new char[0])), new CollectorMetrics()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot use the TLS key store");
    }
}
