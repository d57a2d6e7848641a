package io.sightline.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Plain HTTP calls from the test JVM (which has no agent). */
final class Http {
    private Http() {
    }

    record Response(int status, String body) {
    }

    static Response get(String url) throws IOException {
        return get(url, Map.of());
    }

    static Response get(String url, Map<String, String> headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(20000);
        headers.forEach(c::setRequestProperty);
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, body);
    }
}
