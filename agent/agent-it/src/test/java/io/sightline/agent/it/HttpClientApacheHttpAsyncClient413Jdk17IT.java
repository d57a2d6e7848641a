package io.sightline.agent.it;

import java.util.ArrayList;
import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/**
 * Apache HttpAsyncClient 4.1.3 (with HttpClient 4.5.3 and HttpCore 4.4.6) on JDK 17: the same
 * scenarios as 4.1.5, cancel included (its future cancels the exchange too, unlike 4.1's).
 */
class HttpClientApacheHttpAsyncClient413Jdk17IT extends ApacheHttpAsyncClient4Scenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    List<String> libraries() {
        List<String> jars = new ArrayList<>(HttpClientScenarios.jarsIn("target/httpasyncclient-413"));
        jars.addAll(ForkedJvm.classpath("commons-logging", "commons-codec"));
        return jars;
    }
}
