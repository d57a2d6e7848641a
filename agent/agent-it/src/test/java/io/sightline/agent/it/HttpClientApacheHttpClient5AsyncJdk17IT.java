package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 5 async client scenarios on JDK 17. */
class HttpClientApacheHttpClient5AsyncJdk17IT extends ApacheHttpClient5AsyncScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }
}
