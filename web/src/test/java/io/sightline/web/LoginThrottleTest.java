package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The failure count per address and its window, on a clock the test moves. */
class LoginThrottleTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final LoginThrottle throttle = new LoginThrottle(now::get);

    static MockHttpServletRequest from(String address) {
        MockHttpServletRequest r = new MockHttpServletRequest();
        r.setRemoteAddr(address);
        return r;
    }

    @Test
    void blocksAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            throttle.failed(from("10.0.0.1"));
            now.addAndGet(1_000);
        }
        assertThat(throttle.blocked("10.0.0.1")).isFalse();
        assertThat(throttle.retryAfterMs("10.0.0.1")).isZero();
        throttle.failed(from("10.0.0.1"));
        assertThat(throttle.blocked("10.0.0.1")).isTrue();
        assertThat(throttle.blocked("10.0.0.2")).isFalse();
        // the window started with the first failure, 9 s ago
        assertThat(throttle.retryAfterMs("10.0.0.1")).isEqualTo(LoginThrottle.WINDOW_MS - 9_000);
        now.addAndGet(LoginThrottle.WINDOW_MS - 9_001);
        assertThat(throttle.blocked("10.0.0.1")).isTrue();
        now.addAndGet(1);
        assertThat(throttle.blocked("10.0.0.1")).isFalse();
        assertThat(throttle.retryAfterMs("10.0.0.1")).isZero();
        // a failure after the window starts a new count
        throttle.failed(from("10.0.0.1"));
        assertThat(throttle.blocked("10.0.0.1")).isFalse();
    }

    @Test
    void aFormLoginSuccessClearsTheAddress() {
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.failed(from("::1"));
        }
        assertThat(throttle.blocked("::1")).isTrue();
        throttle.succeeded(from("::1"));
        assertThat(throttle.blocked("::1")).isFalse();
    }
}
