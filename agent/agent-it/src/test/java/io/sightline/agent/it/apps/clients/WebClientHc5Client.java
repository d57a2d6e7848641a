package io.sightline.agent.it.apps.clients;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.springframework.http.client.reactive.HttpComponentsClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Mono;

/**
 * Spring WebClient on the Apache HttpClient 5 async connector: get blocks on the Mono, getAsync
 * waits on its CompletableFuture. Traced through the client underneath; what the application
 * sees of a failure is WebClient's wrapper.
 */
public final class WebClientHc5Client implements Client {
    private final WebClient client;

    public WebClientHc5Client() {
        CloseableHttpAsyncClient http = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(2, TimeUnit.SECONDS)
                                .setSocketTimeout(3, TimeUnit.SECONDS).build())
                        .build())
                .build();
        client = WebClient.builder().clientConnector(new HttpComponentsClientHttpConnector(http)).build();
    }

    private Mono<Integer> status(String url) {
        return client.get().uri(java.net.URI.create(url))
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
    }

    @Override
    public int get(String url) throws Exception {
        return status(url).block();
    }

    @Override
    public int getAsync(String url) throws Exception {
        try {
            return status(url).toFuture().get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
