package io.sightline.agent.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLogTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySizeAndKeepsNFiles() throws Exception {
        File f = AgentLog.init(dir.toFile(), "a/b", "INFO", 2048, 2);
        assertThat(f.getName()).isEqualTo("a_b.log");
        String line = "x".repeat(900); // with its prefix, two lines fit in 2 KB, three do not
        for (int i = 0; i < 20; i++) {
            AgentLog.info(i + " " + line);
        }
        String[] names = dir.toFile().list();
        Arrays.sort(names);
        assertThat(names).containsExactly("a_b.log", "a_b.log.1", "a_b.log.2");
        for (String n : names) {
            assertThat(dir.resolve(n).toFile().length()).isLessThanOrEqualTo(2048);
        }
        // the newest lines are in the current file, the oldest are gone
        assertThat(Files.readString(dir.resolve("a_b.log"))).contains(" INFO ").contains("19 x");
        assertThat(Files.readString(dir.resolve("a_b.log.2"))).doesNotContain(" 0 x");
        assertThat(Files.readAllLines(dir.resolve("a_b.log.2"))).hasSize(2);
        AgentLog.debug("below the threshold");
        assertThat(Files.readString(dir.resolve("a_b.log"))).doesNotContain("below the threshold");
    }
}
