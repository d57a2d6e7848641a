package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.sightline.protocol.v1.SpanEvent;

/**
 * Spring WebClient (spring-webflux 6.2) on the Apache HttpClient 5 async connector: the shared
 * scenarios, traced through the client underneath (its events are ApacheHttpClient5's). The
 * application sees WebClient's WebClientRequestException where the client failed.
 */
abstract class WebClientHc5Scenarios extends HttpClientScenarios {
    static final String WEBCLIENT_FAILURE = "failed=org.springframework.web.reactive.function.client.WebClientRequestException";

    @Override
    String client() {
        return "WebClientHc5";
    }

    @Override
    List<String> libraries() {
        return List.of("spring-webflux", "spring-web-", "spring-core", "spring-jcl", "spring-beans",
                "reactor-core", "reactive-streams", "micrometer-observation", "micrometer-commons",
                "httpclient5-", "httpcore5-", "slf4j-api");
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

    @Override
    String refusedAnswer() {
        return WEBCLIENT_FAILURE;
    }

    @Override
    String timeoutAnswer() {
        return WEBCLIENT_FAILURE;
    }

    @Override
    boolean nativeAsync() {
        return true;
    }

    @Override
    void assertAsyncThread(SpanEvent e) {
        assertThat(e.getThreadName()).isEmpty(); // subscribing on the request thread starts the exchange there
    }
}
