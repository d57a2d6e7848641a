package io.sightline.agent.it.apps.clients;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * Apache HttpClient 5 async (CloseableHttpAsyncClient): get waits on the future of
 * execute(SimpleHttpRequest); getAsync goes through a request producer and waits for its
 * FutureCallback. A target with {@code then=URL} calls that URL from the first call's callback
 * (on the IO reactor thread), and answers the second status; get of a target with
 * {@code cancel=1} cancels the future after 0.5 s and answers 499.
 */
public class ApacheHttpClient5AsyncClient implements Client {
    private final CloseableHttpAsyncClient client;

    public ApacheHttpClient5AsyncClient() {
        this(HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(2, TimeUnit.SECONDS)
                                .setSocketTimeout(3, TimeUnit.SECONDS).build())
                        .build())
                .build());
    }

    /** Built with the API of the version at hand (ConnectionConfig is 5.2+). */
    ApacheHttpClient5AsyncClient(CloseableHttpAsyncClient client) {
        this.client = client;
        client.start();
    }

    @Override
    public int get(String url) throws Exception {
        if (url.contains("cancel=1")) {
            // the application gives up after a moment: 499 once the future says it is cancelled
            java.util.concurrent.Future<SimpleHttpResponse> f = client.execute(SimpleRequestBuilder.get(url).build(), null);
            Thread.sleep(500);
            return f.cancel(true) && f.isCancelled() ? 499 : -1;
        }
        try {
            return client.execute(SimpleRequestBuilder.get(url).build(), null).get().getCode();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Override
    public int getAsync(String url) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        send(url, status);
        try {
            return status.get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private void send(String url, CompletableFuture<Integer> status) {
        int then = url.indexOf("then=");
        String next = then < 0 ? null : java.net.URLDecoder.decode(url.substring(then + 5), java.nio.charset.StandardCharsets.UTF_8);
        SimpleHttpRequest request = SimpleRequestBuilder.get(url).build();
        client.execute(SimpleRequestProducer.create(request), SimpleResponseConsumer.create(),
                new FutureCallback<SimpleHttpResponse>() {
                    @Override
                    public void completed(SimpleHttpResponse response) {
                        if (next == null) {
                            status.complete(response.getCode());
                        } else {
                            send(next, status); // from the reactor thread, without blocking it
                        }
                    }

                    @Override
                    public void failed(Exception ex) {
                        status.completeExceptionally(ex);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
    }
}
