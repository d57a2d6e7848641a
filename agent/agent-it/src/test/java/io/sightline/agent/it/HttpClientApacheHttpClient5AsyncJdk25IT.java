package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 5 async client scenarios on JDK 25. */
class HttpClientApacheHttpClient5AsyncJdk25IT extends ApacheHttpClient5AsyncScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
    }

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.start();
    }
}
