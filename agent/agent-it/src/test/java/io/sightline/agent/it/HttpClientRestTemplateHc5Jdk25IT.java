package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;

/** RestTemplate on HttpComponentsClientHttpRequestFactory (Apache HttpClient 5 classic) on JDK 25. */
class HttpClientRestTemplateHc5Jdk25IT extends RestTemplateScenarios {
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
        return "RestTemplateHc5";
    }

    @Override
    List<String> libraries() {
        return spring("httpclient5-", "httpcore5-", "slf4j-api");
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
