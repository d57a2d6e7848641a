package io.sightline.web;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing, on the login form and over HTTP Basic alike (one count per
 * address for both): after {@link #MAX_FAILURES} failed logins from one address within
 * {@link #WINDOW_MS}, further attempts from it get 429 until the window ends. Behind a reverse
 * proxy, let the server see the client's address (server.forward-headers-strategy).
 */
public final class LoginThrottle {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MS = 5 * 60_000L;
    private static final int MAX_TRACKED = 10_000;

    private final Map<String, Window> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    LoginThrottle() {
        this(System::currentTimeMillis);
    }

    LoginThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    private record Window(long start, int count) {
    }

    boolean blocked(String address) {
        Window w = failures.get(address);
        return w != null && clock.getAsLong() - w.start < WINDOW_MS && w.count >= MAX_FAILURES;
    }

    /** Milliseconds until a blocked address may try again (0 when not blocked). */
    long retryAfterMs(String address) {
        Window w = failures.get(address);
        if (w == null || w.count < MAX_FAILURES) {
            return 0;
        }
        return Math.max(0, w.start + WINDOW_MS - clock.getAsLong());
    }

    /** The 429 answer, with Retry-After in seconds. */
    void reject(HttpServletResponse response, String address) throws java.io.IOException {
        response.setHeader("Retry-After", Long.toString(Math.max(1, (retryAfterMs(address) + 999) / 1000)));
        JsonErrors.write(response, 429, "too many failed logins; try again in a few minutes");
    }

    /** Forgets an address's failures (a successful form login). */
    void forget(String address) {
        failures.remove(address);
    }

    void failed(HttpServletRequest request) {
        long now = clock.getAsLong();
        if (failures.size() >= MAX_TRACKED) {
            prune(now);
        }
        failures.compute(request.getRemoteAddr(), (k, w) ->
                w == null || now - w.start >= WINDOW_MS ? new Window(now, 1) : new Window(w.start, w.count + 1));
    }

    void succeeded(HttpServletRequest request) {
        forget(request.getRemoteAddr());
    }

    private void prune(long now) {
        for (Iterator<Window> it = failures.values().iterator(); it.hasNext(); ) {
            if (now - it.next().start >= WINDOW_MS) {
                it.remove();
            }
        }
        if (failures.size() >= MAX_TRACKED) {
            failures.clear(); // an address flood: forget rather than grow without bound
        }
    }

    /** The filter that answers 429 to a blocked address posting the login form. */
    Filter filter() {
        return (req, res, chain) -> {
            HttpServletRequest request = (HttpServletRequest) req;
            if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())
                    && blocked(request.getRemoteAddr())) {
                reject((HttpServletResponse) res, request.getRemoteAddr());
                return;
            }
            chain.doFilter(req, res);
        };
    }
}
