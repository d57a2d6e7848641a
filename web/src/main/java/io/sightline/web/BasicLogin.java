package io.sightline.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationConverter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * HTTP Basic for scripts, throttled like the login form: wrong credentials count as failed
 * logins of the caller's address, and a blocked address gets 429 before any password is
 * checked, except for credentials the server verified within the last minutes
 * ({@link VerifiedCredentials}): a script that has been working keeps working while someone
 * guesses from the same address, and the guesses are not even checked. The credentials
 * themselves are never logged.
 *
 * <p>Unlike a form login, a Basic success does not clear the address's failures: scripts
 * succeed all the time, and behind a shared address that would wipe a guesser's count.
 */
final class BasicLogin extends BasicAuthenticationFilter {
    private final LoginThrottle throttle;
    private final VerifiedCredentials verified;
    private final BasicAuthenticationConverter converter = new BasicAuthenticationConverter();

    BasicLogin(VerifiedCredentials manager, AuthenticationEntryPoint entryPoint, LoginThrottle throttle) {
        super(manager, entryPoint);
        this.throttle = throttle;
        this.verified = manager;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6) && throttle.blocked(request.getRemoteAddr())
                && !recentlyVerified(request)) {
            throttle.reject(response, request.getRemoteAddr());
            return;
        }
        super.doFilterInternal(request, response, chain);
    }

    private boolean recentlyVerified(HttpServletRequest request) {
        try {
            return verified.remembers(converter.convert(request));
        } catch (AuthenticationException malformed) {
            return false;
        }
    }

    @Override
    protected void onUnsuccessfulAuthentication(HttpServletRequest request, HttpServletResponse response,
                                                AuthenticationException failed) {
        throttle.failed(request);
    }
}
