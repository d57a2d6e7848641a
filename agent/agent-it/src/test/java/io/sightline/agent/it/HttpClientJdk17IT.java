package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** HttpURLConnection scenarios on JDK 17. */
class HttpClientJdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }
}
