package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.protocol.v1.SpanEvent;

/** java.net.http.HttpClient scenarios on JDK 17. */
class HttpClientJavaHttpClientJdk17IT extends HttpClientScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "JavaHttp";
    }

    @Override
    List<String> libraries() {
        return List.of();
    }

    @Override
    String library() {
        return "JdkHttpClient";
    }

    @Override
    String refusedException() {
        return "java.net.ConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.http.HttpTimeoutException";
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
