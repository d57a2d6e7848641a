package io.sightline.agent.it.apps.clients;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.nio.client.methods.HttpAsyncMethods;

/**
 * Apache HttpAsyncClient 4.1 (CloseableHttpAsyncClient of HttpAsyncClients.custom()): get waits
 * on the future of execute(HttpUriRequest, null); getAsync goes through a request producer and
 * response consumer and waits for its FutureCallback. A target with {@code then=URL} calls that
 * URL from the first call's callback (on an I/O dispatcher thread) and answers the second
 * status; get of a target with {@code cancel=1} cancels the future after 0.5 s and answers 499.
 * Only API that is there since 4.0 is used, so the same client runs against every 4.1.x.
 */
public final class ApacheHttpAsyncClient4Client implements Client {
    private final CloseableHttpAsyncClient client = HttpAsyncClients.custom()
            .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(2000).setSocketTimeout(3000).build())
            .build();

    public ApacheHttpAsyncClient4Client() {
        client.start();
    }

    @Override
    public int get(String url) throws Exception {
        if (url.contains("cancel=1")) {
            // the application gives up after a moment: 499 once the future says it is cancelled
            Future<HttpResponse> f = client.execute(new HttpGet(url), null);
            Thread.sleep(500);
            // 4.1.x's future answers false here even when it cancelled the exchange: ask it after
            f.cancel(true);
            return f.isCancelled() ? 499 : -1;
        }
        try {
            return client.execute(new HttpGet(url), null).get().getStatusLine().getStatusCode();
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
        String next = then < 0 ? null : URLDecoder.decode(url.substring(then + 5), StandardCharsets.UTF_8);
        client.execute(HttpAsyncMethods.create(new HttpGet(url)), HttpAsyncMethods.createConsumer(),
                new FutureCallback<HttpResponse>() {
                    @Override
                    public void completed(HttpResponse response) {
                        if (next == null) {
                            status.complete(response.getStatusLine().getStatusCode());
                        } else {
                            send(next, status); // from the dispatcher thread, without blocking it
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
