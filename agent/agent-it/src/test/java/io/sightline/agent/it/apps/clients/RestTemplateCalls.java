package io.sightline.agent.it.apps.clients;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestTemplate;

/**
 * Spring RestTemplate on a given request factory, as an application uses it: every status is an
 * answer (no exception for 4xx/5xx), the body read; async: a CompletableFuture task. What the
 * application sees of a failure is RestTemplate's ResourceAccessException.
 */
abstract class RestTemplateCalls implements Client {
    private final RestTemplate template;

    RestTemplateCalls(ClientHttpRequestFactory factory) {
        template = new RestTemplate(factory);
        template.setErrorHandler(new ResponseErrorHandler() {
            @Override
            public boolean hasError(ClientHttpResponse response) {
                return false;
            }
        });
    }

    @Override
    public int get(String url) throws Exception {
        return template.execute(URI.create(url), HttpMethod.GET, null, response -> {
            response.getBody().readAllBytes();
            return response.getStatusCode().value();
        });
    }

    @Override
    public int getAsync(String url) throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return get(url);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
