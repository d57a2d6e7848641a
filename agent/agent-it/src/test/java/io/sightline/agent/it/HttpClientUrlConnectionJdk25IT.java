package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** HttpURLConnection scenarios on JDK 25. */
class HttpClientUrlConnectionJdk25IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
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

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.start();
    }
}
