package io.sightline.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaSupportTest {
    @Test
    void featureVersionsOfOldAndNewSpecificationStrings() {
        assertThat(JavaSupport.featureVersion("1.8")).isEqualTo(8);
        assertThat(JavaSupport.featureVersion("1.7")).isEqualTo(7);
        assertThat(JavaSupport.featureVersion("17")).isEqualTo(17);
        assertThat(JavaSupport.featureVersion("25")).isEqualTo(25);
        assertThat(JavaSupport.featureVersion("26.0.1")).isEqualTo(26);
        assertThat(JavaSupport.featureVersion(null)).isEqualTo(-1);
        assertThat(JavaSupport.featureVersion("")).isEqualTo(-1);
        assertThat(JavaSupport.featureVersion("abc")).isEqualTo(-1);
        assertThat(JavaSupport.featureVersion("123456")).isEqualTo(-1);
    }

    @Test
    void runsFromJava8ToTheNewestItsByteBuddyReads() {
        assertThat(JavaSupport.problem("1.8", 28)).isNull();
        assertThat(JavaSupport.problem("17", 28)).isNull();
        assertThat(JavaSupport.problem("28", 28)).isNull();
        assertThat(JavaSupport.problem("29", 28)).isEqualTo("Java 29 is not supported (the agent runs on Java 8 to 28)");
        assertThat(JavaSupport.problem("1.7", 28)).isEqualTo("Java 7 is not supported (the agent runs on Java 8 to 28)");
        assertThat(JavaSupport.problem("x", 28)).isEqualTo("Java version 'x' not recognised (the agent runs on Java 8 to 28)");
    }

    @Test
    void theJavasTestedHereAreWithinRange() {
        assertThat(JavaSupport.newest()).isGreaterThanOrEqualTo(25);
        assertThat(JavaSupport.problem(System.getProperty("java.specification.version"), JavaSupport.newest())).isNull();
    }
}
