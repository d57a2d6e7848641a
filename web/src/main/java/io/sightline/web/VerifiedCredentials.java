package io.sightline.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * An {@link AuthenticationManager} that remembers, for a few minutes, user name and password
 * pairs the real check (a deliberately slow password hash) has just accepted, so that a script
 * calling the API with HTTP Basic every second does not pay a hash per call.
 *
 * <p>Only successes are remembered, so guessing still costs a full check per attempt (and is
 * throttled by {@link LoginThrottle}). What is kept is an HMAC of the pair under a random key
 * made at start and never written anywhere, not the password: the memory holds nothing that
 * the password hash itself would not already give away.
 */
final class VerifiedCredentials implements AuthenticationManager {
    static final long TTL_MS = 5 * 60_000L;
    static final int MAX_ENTRIES = 64;

    private final AuthenticationManager delegate;
    private final LongSupplier clock;
    private final byte[] key = new byte[32];
    private final Map<String, Entry> verified = new ConcurrentHashMap<>();

    private record Entry(long expires, Authentication authentication) {
    }

    VerifiedCredentials(AuthenticationManager delegate) {
        this(delegate, System::currentTimeMillis);
    }

    VerifiedCredentials(AuthenticationManager delegate, LongSupplier clock) {
        this.delegate = delegate;
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    @Override
    public Authentication authenticate(Authentication request) throws AuthenticationException {
        if (!(request instanceof UsernamePasswordAuthenticationToken) || !(request.getCredentials() instanceof String password)) {
            return delegate.authenticate(request);
        }
        String id = digest(request.getName(), password);
        long now = clock.getAsLong();
        Entry e = verified.get(id);
        if (e != null && e.expires > now) {
            return e.authentication;
        }
        Authentication result = delegate.authenticate(request);
        if (result != null && result.isAuthenticated()) {
            if (verified.size() >= MAX_ENTRIES) {
                prune(now);
            }
            verified.put(id, new Entry(now + TTL_MS, result));
        }
        return result;
    }

    /** True when this user name and password passed the real check less than {@link #TTL_MS} ago. */
    boolean remembers(Authentication request) {
        if (!(request instanceof UsernamePasswordAuthenticationToken) || !(request.getCredentials() instanceof String password)) {
            return false;
        }
        Entry e = verified.get(digest(request.getName(), password));
        return e != null && e.expires > clock.getAsLong();
    }

    int size() {
        return verified.size();
    }

    private void prune(long now) {
        for (Iterator<Entry> it = verified.values().iterator(); it.hasNext(); ) {
            if (it.next().expires <= now) {
                it.remove();
            }
        }
        if (verified.size() >= MAX_ENTRIES) {
            verified.clear();
        }
    }

    private String digest(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
