package io.sightline.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import io.sightline.agent.testing.ForkedJvm;

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
}
