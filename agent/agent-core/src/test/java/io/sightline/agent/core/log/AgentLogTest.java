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
    @Test
    void timestampsMatchSimpleDateFormatAcrossZonesLeapDaysAndCenturies() {
        java.util.Random r = new java.util.Random(7);
        String[] zones = {"UTC", "Asia/Seoul", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Europe/Berlin"};
        long[] fixed = {0L, -1L, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28 end */,
            -2_208_988_800_000L /* 1900-01-01 */, 1_796_601_599_999L, 253_402_300_799_000L /* 9999-12-31 */};
        for (String id : zones) {
            java.util.TimeZone zone = java.util.TimeZone.getTimeZone(id);
            java.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS");
            f.setTimeZone(zone);
            for (int i = 0; i < 20_000 + fixed.length; i++) {
                // 1900 to 2200; the Julian calendar before 1582 is SimpleDateFormat's, not ours
                long millis = i < fixed.length ? fixed[i] : -2_208_988_800_000L + (long) (r.nextDouble() * 9_467_280_000_000L);
                StringBuilder sb = new StringBuilder();
                AgentLog.timestamp(sb, millis, zone);
                assertThat(sb.toString()).as("%s at %d", id, millis).isEqualTo(f.format(new java.util.Date(millis)));
            }
        }
    }
}
