package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** RestTemplate on SimpleClientHttpRequestFactory (HttpURLConnection) on JDK 25. */
class HttpClientRestTemplateUrlConnectionJdk25IT extends RestTemplateScenarios {
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

    @Override
    String client() {
        return "RestTemplateUrlConnection";
    }

    @Override
    List<String> libraries() {
        return spring();
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
