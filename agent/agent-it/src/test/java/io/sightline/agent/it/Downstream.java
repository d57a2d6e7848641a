package io.sightline.agent.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/** An uninstrumented HTTP server in the test JVM that records the headers it receives. */
final class Downstream implements AutoCloseable {
    record Received(String path, String query, Map<String, List<String>> headers) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        /** The trace headers received (traceparent, tracestate, sightline-*), by lowercase name, each with its values. */
        Map<String, List<String>> traceHeaders() {
            Map<String, List<String>> out = new java.util.TreeMap<>();
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                String name = e.getKey() == null ? "" : e.getKey().toLowerCase(java.util.Locale.ROOT);
                if (name.equals("traceparent") || name.equals("tracestate") || name.startsWith("sightline")) {
                    out.put(name, e.getValue());
                }
            }
            return out;
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Downstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getQuery(),
                    Map.copyOf(exchange.getRequestHeaders())));
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/redirect")) {
                exchange.getResponseHeaders().add("Location", "/ok-after-redirect");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            int status = path.startsWith("/missing") ? 404 : path.startsWith("/broken") ? 500 : 200;
            if (path.startsWith("/slow")) {
                try {
                    Thread.sleep(8000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("status " + status).getBytes();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool()); // a slow request must not hold up the others
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The last request received on {@code path}. */
    Received last(String path) {
        return received.stream().filter(r -> r.path().equals(path)).reduce((a, b) -> b).orElseThrow();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
