package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 5 scenarios on JDK 25. */
class HttpClientApacheHttpClient5Jdk25IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
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

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.start();
    }
}
