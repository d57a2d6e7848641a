package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.sightline.agent.it.apps.OwnLibrariesApp;
import io.sightline.agent.testing.ForkedJvm;

/** The layout of the agent jar, and applications that bring their own copies of our libraries. */
class DistJarIT {

    @Test
    void onlyTheBootstrapAndBridgeAreVisibleAtTheTop() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            List<String> top = new ArrayList<>();
            jar.stream().filter(e -> !e.isDirectory() && !e.getName().startsWith("inst/")).forEach(e -> top.add(e.getName()));
            assertThat(top).allMatch(n -> n.equals("META-INF/MANIFEST.MF")
                    || n.startsWith("io/sightline/agent/bootstrap/") || n.startsWith("io/sightline/agent/bridge/"));
            assertThat(jar.stream().filter(e -> e.getName().startsWith("inst/") && e.getName().endsWith(".class"))).isEmpty();
            assertThat(jar.stream().filter(e -> e.getName().startsWith("inst/net/bytebuddy/")
                    || e.getName().startsWith("inst/io/grpc/") || e.getName().startsWith("inst/com/google/")
                    || e.getName().contains("META-INF/versions/") || e.getName().endsWith(".so"))).isEmpty();
            Manifest m = jar.getManifest();
            assertThat(m.getMainAttributes().getValue("Premain-Class")).isEqualTo("io.sightline.agent.bootstrap.AgentMain");
            assertThat(m.getMainAttributes().getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(m.getMainAttributes().getValue("Multi-Release")).isNull();
        }
    }

    /** Every plugin module of agent-plugins/pom.xml is in the jar (a module not listed in agent-dist fails here). */
    @Test
    void everyPluginModuleIsInTheJar() throws IOException {
        Path root = Path.of(System.getProperty("sightline.root", "../.."));
        String pom = Files.readString(root.resolve("agent-plugins/pom.xml"));
        String services;
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            services = new String(jar.getInputStream(jar.getEntry(
                    "inst/META-INF/services/io.sightline.agent.plugin.InstrumentationPlugin")).readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        int plugins = 0;
        while (m.find()) {
            Path service = root.resolve("agent-plugins").resolve(m.group(1))
                    .resolve("src/main/resources/META-INF/services/io.sightline.agent.plugin.InstrumentationPlugin");
            if (!Files.exists(service)) {
                continue; // shared support (jdbc), not a plugin
            }
            plugins++;
            for (String line : Files.readAllLines(service)) {
                if (!line.isBlank()) {
                    assertThat(services).as("plugin module " + m.group(1) + " missing from agent-dist's dependencies")
                            .contains(line.trim());
                }
            }
        }
        assertThat(plugins).isGreaterThanOrEqualTo(6);
    }

    @Test
    void anApplicationWithItsOwnByteBuddyAndGrpcRunsUnchanged() throws Exception {
        try (Downstream downstream = new Downstream();
             ForkedJvm app = ForkedJvm.builder().withAgent()
                     .property("sightline.applicationName", "it-own")
                     .property("sightline.collector", "127.0.0.1:1")
                     .property("sightline.log.dir", Files.createTempDirectory("sightline-it-log"))
                     .classpath(ForkedJvm.classpath("byte-buddy-", "grpc-", "guava", "failureaccess", "protobuf-java",
                             "proto-google-common-protos", "perfmark"))
                     .main(OwnLibrariesApp.class.getName(), downstream.url("/ok"))
                     .start()) {
            assertThat(app.waitFor(Duration.ofSeconds(30))).isZero();
            assertThat(app.stdout()).containsExactly("BYTEBUDDY made by the app's ByteBuddy true", "GRPC true",
                    "GRPC CALL app true true", "HTTP 200", "DONE");
            // silent: not a line of the agent's on either stream
            assertThat(app.stderr()).isEmpty();
            // outside a transaction nothing is recorded or propagated
            assertThat(downstream.received.get(0).header("traceparent")).isNull();
        }
    }
}
