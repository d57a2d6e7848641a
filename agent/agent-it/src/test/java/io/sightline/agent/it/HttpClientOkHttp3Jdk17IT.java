package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.protocol.v1.SpanEvent;

/** OkHttp 3.14 scenarios on JDK 17. */
class HttpClientOkHttp3Jdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "OkHttp";
    }

    @Override
    List<String> libraries() {
        return HttpClientScenarios.jarsIn("target/okhttp3");
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
}
