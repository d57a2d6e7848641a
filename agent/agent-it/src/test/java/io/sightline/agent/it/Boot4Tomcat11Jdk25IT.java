package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/**
 * Spring Boot 4 on Tomcat 11 with the application on Java 25 (skipped when it is not
 * installed); client IP from the socket.
 */
class Boot4Tomcat11Jdk25IT extends BootAppScenarios {
    @Override
    String module() {
        return "boot4";
    }

    @Override
    String tomcatMajor() {
        return "11";
    }

    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
    }

    @Override
    String clientIpHeader() {
        return null;
    }

    @BeforeAll
    @Override
    void startApp() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.startApp();
    }
}
