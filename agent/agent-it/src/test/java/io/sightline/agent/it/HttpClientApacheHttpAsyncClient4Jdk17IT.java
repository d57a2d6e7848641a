package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpAsyncClient 4.1.5 scenarios on JDK 17. */
class HttpClientApacheHttpAsyncClient4Jdk17IT extends ApacheHttpAsyncClient4Scenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }
}
