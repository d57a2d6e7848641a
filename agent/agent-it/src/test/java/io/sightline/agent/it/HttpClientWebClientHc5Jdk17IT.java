package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Spring WebClient on the Apache HttpClient 5 async connector on JDK 17. */
class HttpClientWebClientHc5Jdk17IT extends WebClientHc5Scenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }
}
