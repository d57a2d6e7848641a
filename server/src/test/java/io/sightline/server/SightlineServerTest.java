package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SightlineServerTest {

    @Test
    void runsOnJdk17To22Only() {
        assertThat(SightlineServer.checkJdk(17)).isNull();
        assertThat(SightlineServer.checkJdk(21)).isNull();
        assertThat(SightlineServer.checkJdk(22)).isNull();
        assertThat(SightlineServer.checkJdk(23)).contains("JDK 17 to 22").contains("this is JDK 23");
        assertThat(SightlineServer.checkJdk(25)).contains("this is JDK 25");
        assertThat(SightlineServer.checkJdk(11)).contains("this is JDK 11");
    }

    @Test
    void rolesAreValidated() {
        SightlineProperties p = new SightlineProperties();
        assertThat(p.roleSet()).containsExactly("collector", "web");
        p.setRoles(" Web ");
        assertThat(p.roleSet()).containsExactly("web");
        assertThat(p.hasRole("collector")).isFalse();
        p.setRoles("collector,ui");
        assertThatThrownBy(p::roleSet).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ui'");
        p.setRoles(",");
        assertThatThrownBy(p::roleSet).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void collectorSettingsNeverPrintTheToken() {
        SightlineProperties p = new SightlineProperties();
        p.getCollector().setToken("very-secret");
        assertThat(p.getCollector().toString()).doesNotContain("very-secret").contains("token set");
    }
}
