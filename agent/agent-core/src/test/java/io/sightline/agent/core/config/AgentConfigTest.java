package io.sightline.agent.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void environmentNames() {
        assertThat(AgentConfig.envName("sightline.applicationName")).isEqualTo("SIGHTLINE_APPLICATION_NAME");
        assertThat(AgentConfig.envName("sightline.sampling.rate")).isEqualTo("SIGHTLINE_SAMPLING_RATE");
        assertThat(AgentConfig.envName("sightline.plugin.jdbc-h2.enabled")).isEqualTo("SIGHTLINE_PLUGIN_JDBC_H2_ENABLED");
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsFile() throws Exception {
        Path file = dir.resolve("agent.properties");
        Files.writeString(file, "sightline.applicationName=fromFile\nsightline.agentId=fileId\nsightline.token=fileToken\n");
        AgentConfig c = AgentConfig.of(props("sightline.applicationName", "fromProp", "sightline.config", file.toString()),
                Map.of("SIGHTLINE_APPLICATION_NAME", "fromEnv", "SIGHTLINE_AGENT_ID", "envId"));
        assertThat(c.applicationName()).isEqualTo("fromProp");
        assertThat(c.agentId()).isEqualTo("envId");
        assertThat(c.token()).isEqualTo("fileToken");
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void configFileNamedByEnvironment() throws Exception {
        Path file = dir.resolve("a.properties");
        Files.writeString(file, "sightline.applicationName=petstore\n");
        AgentConfig c = AgentConfig.of(new Properties(), Map.of("SIGHTLINE_CONFIG", file.toString()));
        assertThat(c.applicationName()).isEqualTo("petstore");
    }

    @Test
    void defaults() {
        AgentConfig c = AgentConfig.of(new Properties(), Map.of());
        assertThat(c.applicationName()).isNull();
        assertThat(c.agentId()).isEqualTo(AgentConfig.hostname() + "-" + AgentConfig.pid());
        assertThat(c.collectors()).hasToString("[127.0.0.1:9991]");
        assertThat(c.samplingRate()).isEqualTo(1);
        assertThat(c.samplingMaxPerSecond()).isZero();
        assertThat(c.backlogSize()).isGreaterThanOrEqualTo(10_000);
        assertThat(c.jdbcBindValues()).isTrue();
        assertThat(c.pluginEnabled("tomcat")).isTrue();
        assertThat(c.token()).isNull();
        assertThat(c.transportStartDelayMillis()).isEqualTo(5000);
    }

    @Test
    void transportStartDelayFromEnvironment() {
        AgentConfig c = AgentConfig.of(new Properties(), Map.of("SIGHTLINE_TRANSPORT_START_DELAY_MILLIS", "0"));
        assertThat(c.transportStartDelayMillis()).isZero();
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void collectorListAndSwitches() {
        AgentConfig c = AgentConfig.of(props("sightline.collector", " a:1, b.example:9991 ,[::1]:7,bad",
                "sightline.plugin.tomcat.enabled", "false", "sightline.jdbc.bindValues", "false",
                "sightline.sampling.rate", "ten"), Map.of());
        assertThat(c.collectors()).hasToString("[a:1, b.example:9991, [::1]:7]");
        assertThat(c.pluginEnabled("tomcat")).isFalse();
        assertThat(c.pluginEnabled("jdbc-h2")).isTrue();
        assertThat(c.jdbcBindValues()).isFalse();
        assertThat(c.samplingRate()).isEqualTo(1);
        assertThat(c.problems()).containsExactlyInAnyOrder(
                "sightline.sampling.rate=ten is not a number, using the default",
                "sightline.collector: 'bad' is not host:port");
    }

    @Test
    void unreadableConfigFileIsReported() {
        AgentConfig c = AgentConfig.of(props("sightline.config", dir.resolve("missing").toString()), Map.of());
        assertThat(c.problems()).singleElement().asString().startsWith("cannot read sightline.config file");
    }

    @Test
    void pidAndHostnameAreTheJvmsOwnWithoutProcessHandleOrANameLookup() throws Exception {
        assertThat(AgentConfig.pid()).isEqualTo((int) ProcessHandle.current().pid());
        String kernel = AgentConfig.firstLine(AgentConfig.PROC_HOSTNAME);
        if (kernel != null) {
            assertThat(AgentConfig.procSelfPid(AgentConfig.PROC_SELF)).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(AgentConfig.hostname()).isEqualTo(kernel);
        } else {
            assertThat(AgentConfig.hostname()).isNotEmpty();
        }
        // where /proc is absent, the portable answers
        assertThat(AgentConfig.procSelfPid(dir.resolve("no-proc").toFile())).isEqualTo(-1);
        assertThat(AgentConfig.firstLine(dir.resolve("no-hostname").toFile())).isNull();
        Path name = dir.resolve("hostname");
        Files.writeString(name, " box-1 \n");
        assertThat(AgentConfig.firstLine(name.toFile())).isEqualTo("box-1");
    }

    /** The JVM's start comes from ProcessHandle (no JMX) and agrees with the runtime bean. */
    @Test
    void jvmStartTimeFromTheProcessHandle() {
        long start = AgentConfig.processStartMillis();
        assertThat(start).isPositive();
        assertThat(Math.abs(start - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime())).isLessThan(2000);
        assertThat(AgentConfig.jvmStartTime()).isEqualTo(start);
    }
}
