package io.sightline.bench.agent;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import io.sightline.agent.testing.ForkedJvm;

/** What the overhead and startup benches share: the downstream server, a free port, the wait for the first 200. */
final class BenchApps {
    private BenchApps() {
    }

    /**
     * A started server on 127.0.0.1 whose {@code /down} answers "ok", with {@code threads}
     * threads (the application makes one call at a time per client: as many threads, no more).
     * Further contexts may be added to it after the start.
     */
    static HttpServer downstream(int threads) throws java.io.IOException {
        // the JDK server writes headers and body separately: without this, Nagle and delayed
        // ACKs add 40 ms to every outgoing call of the application
        System.setProperty("sun.net.httpserver.nodelay", "true");
        byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/down", exchange -> {
            // the requests carry no body: nothing to read, nothing to allocate
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        return server;
    }

    static String url(HttpServer server, String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static void stop(HttpServer server) {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    /**
     * Nanoseconds from the launch of the child ({@code t0}) to its first 200 answer, polled every
     * 5 ms; the time is taken when the status arrives, before the body is read.
     */
    static long awaitFirst200(String url, ForkedJvm app, long t0, Duration patience) throws Exception {
        long deadline = t0 + patience.toNanos();
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    long took = System.nanoTime() - t0;
                    try (InputStream in = c.getInputStream()) {
                        in.readAllBytes();
                    }
                    return took;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (!app.process().isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("no 200 from the application\n" + app.describe());
            }
            Thread.sleep(5);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
