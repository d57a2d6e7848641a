package io.sightline.agent.it.apps.clients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/** java.net.http.HttpClient: send and sendAsync. */
public final class JavaHttpClient implements Client {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).header("x-app", "1").GET().build();
    }

    @Override
    public int get(String url) throws Exception {
        return client.send(request(url), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Override
    public int getAsync(String url) throws Exception {
        try {
            return client.sendAsync(request(url), HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::statusCode).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }
}
