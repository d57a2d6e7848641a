package io.sightline.agent.it;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** HttpURLConnection scenarios on JDK 17. */
class HttpClientUrlConnectionJdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "UrlConnection";
    }

    @Override
    List<String> libraries() {
        return List.of();
    }

    @Override
    String library() {
        return "HttpURLConnection";
    }

    @Override
    String refusedException() {
        return "java.net.ConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }
}
