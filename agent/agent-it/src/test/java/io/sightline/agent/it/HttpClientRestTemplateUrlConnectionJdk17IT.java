package io.sightline.agent.it;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** RestTemplate on SimpleClientHttpRequestFactory (HttpURLConnection) on JDK 17. */
class HttpClientRestTemplateUrlConnectionJdk17IT extends RestTemplateScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
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
