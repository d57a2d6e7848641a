package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Tomcat scenarios with the application on the JDK running the build (17). */
class TomcatJdk17IT extends TomcatScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }
}
