package io.sightline.agent.it;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 4.5 scenarios on JDK 17. */
class HttpClientApacheHttpClient4Jdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "ApacheHttpClient4";
    }

    @Override
    List<String> libraries() {
        return List.of("httpclient-4", "httpcore-4", "commons-logging", "commons-codec");
    }

    @Override
    String library() {
        return "ApacheHttpClient4";
    }

    @Override
    String refusedException() {
        return "org.apache.http.conn.HttpHostConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }
}
