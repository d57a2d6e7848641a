package io.sightline.agent.it.apps.clients;

import java.util.concurrent.CompletableFuture;

import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5 classic; async: a CompletableFuture task. */
public final class ApacheHttpClient4Client implements Client {
    private final CloseableHttpClient client = HttpClients.custom().setDefaultRequestConfig(
            RequestConfig.custom().setConnectTimeout(2000).setSocketTimeout(3000).build()).build();

    @Override
    public int get(String url) throws Exception {
        try (CloseableHttpResponse r = client.execute(new HttpGet(url))) {
            EntityUtils.consume(r.getEntity());
            return r.getStatusLine().getStatusCode();
        }
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
