package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.sightline.agent.testing.ForkedJvm;
import io.sightline.protocol.v1.Span;

/** Work handed to other threads, with the application on Java 25. */
class ThreadsJdk25IT extends ThreadsScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK25;
    }

    @BeforeAll
    @Override
    void startApp() throws Exception {
        assumeTrue(ForkedJvm.hasJdk25(), "JDK 25 not installed at " + ForkedJvm.JDK25);
        super.startApp();
    }

    @Override
    String forkJoinCallableTask() {
        return "AdaptedInterruptibleCallable";
    }

    @Test
    void virtualThreadPerTaskExecutor() throws Exception {
        Span span = run("/virtual", "virtual 200 200");
        assertThat(rows(span)).containsExactly(
                "1 ASYNC Async TaskRunner",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/vt-execute"),
                "1 ASYNC Async ThreadBoundFuture",
                "2 HTTP_CLIENT HttpURLConnection GET " + url("/vt-submit"));
        assertPropagated(span, "/vt-execute");
        assertPropagated(span, "/vt-submit");
    }
}
