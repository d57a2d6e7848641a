package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Spring Boot 2.7 (Spring MVC 5) on Tomcat 9, javax.servlet; client IP from the socket. */
class Boot2Tomcat9IT extends BootAppScenarios {
    @Override
    String module() {
        return "boot2";
    }

    @Override
    String tomcatMajor() {
        return "9";
    }

    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String clientIpHeader() {
        return null;
    }
}
