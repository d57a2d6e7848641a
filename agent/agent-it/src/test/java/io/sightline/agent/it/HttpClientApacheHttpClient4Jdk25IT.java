package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 4.5 scenarios on JDK 25. */
class HttpClientApacheHttpClient4Jdk25IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
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

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.start();
    }
}
