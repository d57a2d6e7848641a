package io.sightline.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.testing.ForkedJvm;
import io.sightline.protocol.TraceIds;
import io.sightline.protocol.v1.Span;

/**
 * Apache HttpAsyncClient 4.1 (the oldest 4.1.x, with HttpClient and HttpCore 4.4.1) on JDK 17:
 * the same scenarios, except that cancelling the future does not stop the exchange there.
 */
class HttpClientApacheHttpAsyncClient41Jdk17IT extends ApacheHttpAsyncClient4Scenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    List<String> libraries() {
        List<String> jars = new ArrayList<>(HttpClientScenarios.jarsIn("target/httpasyncclient-41"));
        jars.addAll(ForkedJvm.classpath("commons-logging", "commons-codec"));
        return jars;
    }

    /**
     * 4.1.0 hands the application the exchange's BasicFuture itself: cancelling it tells the
     * exchange nothing (later versions, 4.1.3 and up at least, hand out a wrapper that cancels the
     * exchange too), which goes on until its answer; the transaction is over by then, so its
     * still running call is left out. The request went out with the trace headers all the same.
     */
    @Test
    @Override
    synchronized void cancellingTheFutureEndsTheCallAsCancelled() throws Exception {
        Span span = call(downstream.url("/slow-cancelled?cancel=1"), false, "status=499");
        assertThat(span.getEventsList()).isEmpty();
        Downstream.Received got = downstream.last("/slow-cancelled");
        assertThat(got.traceHeaders().keySet()).containsExactly("sightline-parent", "traceparent");
        assertThat(got.header("traceparent")).startsWith("00-" + TraceIds.hex(span.getTraceId().toByteArray()) + "-");
        assertThat(got.header("sightline-parent")).isEqualTo(TraceIds.spanIdHex(span.getSpanId()) + ";TOMCAT;it-a");
    }
}
