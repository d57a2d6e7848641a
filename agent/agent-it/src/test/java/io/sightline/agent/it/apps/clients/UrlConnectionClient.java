package io.sightline.agent.it.apps.clients;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CompletableFuture;

/** java.net.HttpURLConnection; async: a CompletableFuture task (the JDK has no async API for it). */
public final class UrlConnectionClient implements Client {
    @Override
    public int get(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(3000);
        c.setReadTimeout(3000);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        // asked again once the call is over (each runs getInputStream): still one event per call
        c.getHeaderFields();
        if (c.getResponseCode() != status) {
            throw new IllegalStateException("status changed");
        }
        return status;
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
