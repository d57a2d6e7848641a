package io.sightline.agent.it;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 5 scenarios on JDK 17. */
class HttpClientApacheHttpClient5Jdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "ApacheHttpClient5";
    }

    @Override
    List<String> libraries() {
        return List.of("httpclient5-", "httpcore5-", "slf4j-api");
    }

    @Override
    String library() {
        return "ApacheHttpClient5";
    }

    @Override
    String refusedException() {
        return "org.apache.hc.client5.http.HttpHostConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }
}
