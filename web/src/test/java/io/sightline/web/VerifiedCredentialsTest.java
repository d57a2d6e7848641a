package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The real password check (bcrypt) behind the memory of recent successes. */
class VerifiedCredentialsTest {
    final AtomicLong now = new AtomicLong(5_000_000);
    final AtomicInteger checks = new AtomicInteger();
    final VerifiedCredentials credentials;

    VerifiedCredentialsTest() {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        DaoAuthenticationProvider dao = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(
                User.withUsername("admin").password(encoder.encode("right-password")).roles("ADMIN").build()));
        dao.setPasswordEncoder(encoder);
        AuthenticationManager real = new ProviderManager(dao);
        credentials = new VerifiedCredentials(a -> {
            checks.incrementAndGet();
            return real.authenticate(a);
        }, now::get);
    }

    static UsernamePasswordAuthenticationToken login(String user, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
    }

    @Test
    void aVerifiedPairIsNotHashedAgainUntilItExpires() {
        Authentication first = credentials.authenticate(login("admin", "right-password"));
        assertThat(first.isAuthenticated()).isTrue();
        assertThat(first.getName()).isEqualTo("admin");
        assertThat(first.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_ADMIN");
        assertThat(first.getCredentials()).isNull(); // erased, never kept
        assertThat(checks).hasValue(1);
        assertThat(credentials.remembers(login("admin", "right-password"))).isTrue();

        now.addAndGet(VerifiedCredentials.TTL_MS - 1);
        assertThat(credentials.authenticate(login("admin", "right-password"))).isSameAs(first);
        assertThat(checks).hasValue(1);

        now.addAndGet(1);
        assertThat(credentials.remembers(login("admin", "right-password"))).isFalse();
        assertThat(credentials.authenticate(login("admin", "right-password")).isAuthenticated()).isTrue();
        assertThat(checks).hasValue(2);
    }

    @Test
    void failuresAreCheckedEveryTimeAndNeverRemembered() {
        credentials.authenticate(login("admin", "right-password"));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> credentials.authenticate(login("admin", "wrong-password")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> credentials.authenticate(login("root", "right-password")))
                .isInstanceOf(BadCredentialsException.class);
        assertThat(checks).hasValue(5);
        assertThat(credentials.size()).isEqualTo(1);
        assertThat(credentials.remembers(login("admin", "wrong-password"))).isFalse();
        assertThat(credentials.remembers(login("admin", "right-password "))).isFalse();
        assertThat(credentials.remembers(login("Admin", "right-password"))).isFalse();
        assertThat(credentials.remembers(null)).isFalse();
    }
}
