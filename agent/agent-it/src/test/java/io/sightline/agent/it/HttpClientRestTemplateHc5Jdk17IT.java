package io.sightline.agent.it;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** RestTemplate on HttpComponentsClientHttpRequestFactory (Apache HttpClient 5 classic) on JDK 17. */
class HttpClientRestTemplateHc5Jdk17IT extends RestTemplateScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
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
