package io.sightline.agent.it;

import java.util.ArrayList;
import java.util.List;

import io.sightline.agent.testing.ForkedJvm;

/** Apache HttpClient 5.1.3 async client (the oldest the plugin is built against) on JDK 17. */
class HttpClientApacheHttpClient51AsyncJdk17IT extends ApacheHttpClient5AsyncScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

    @Override
    String client() {
        return "ApacheHttpClient5Async51";
    }

    @Override
    List<String> libraries() {
        List<String> jars = new ArrayList<>(HttpClientScenarios.jarsIn("target/httpclient5-51"));
        jars.addAll(ForkedJvm.classpath("slf4j-api"));
        return jars;
    }
}
