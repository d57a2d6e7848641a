package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** Spring WebClient on the Apache HttpClient 5 async connector on JDK 25. */
class HttpClientWebClientHc5Jdk25IT extends WebClientHc5Scenarios {
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
