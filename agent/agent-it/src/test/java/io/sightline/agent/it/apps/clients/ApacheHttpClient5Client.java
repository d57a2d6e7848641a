package io.sightline.agent.it.apps.clients;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5 classic; async: a CompletableFuture task. */
public final class ApacheHttpClient5Client implements Client {
    private final CloseableHttpClient client = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(2, TimeUnit.SECONDS)
                            .setSocketTimeout(3, TimeUnit.SECONDS).build())
                    .build())
            .build();

    @Override
    public int get(String url) throws Exception {
        return client.execute(new HttpGet(url), response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    @Override
    public int getAsync(String url) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return get(url);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get();
    }
}
