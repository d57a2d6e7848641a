package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.protocol.v1.SpanEvent;

/** OkHttp 4.12 scenarios on JDK 25. */
class HttpClientOkHttp4Jdk25IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
    }

    @Override
    String client() {
        return "OkHttp";
    }

    @Override
    List<String> libraries() {
        return List.of("okhttp-4", "okio", "kotlin-stdlib");
    }

    @Override
    String library() {
        return "OkHttp";
    }

    @Override
    String refusedException() {
        return "java.net.ConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }

    @Override
    boolean nativeAsync() {
        return true;
    }

    @Override
    void assertAsyncThread(SpanEvent e) {
        assertThat(e.getThreadName()).isEmpty(); // begun by the application's call on the request thread
    }

    @BeforeAll
    @Override
    void start() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.start();
    }
}
