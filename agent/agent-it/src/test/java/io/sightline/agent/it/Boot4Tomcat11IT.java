package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Spring Boot 4 (Spring MVC 7) on Tomcat 11, jakarta.servlet; client IP from X-Forwarded-For. */
class Boot4Tomcat11IT extends BootAppScenarios {
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
        return ForkedJvm.JDK17;
    }

    @Override
    String clientIpHeader() {
        return "X-Forwarded-For";
    }
}
