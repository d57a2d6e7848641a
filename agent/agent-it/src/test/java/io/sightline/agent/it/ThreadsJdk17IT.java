package io.sightline.agent.it;

import io.sightline.agent.testing.ForkedJvm;

/** Work handed to other threads, with the application on Java 17. */
class ThreadsJdk17IT extends ThreadsScenarios {
    @Override
    String javaHome() {
        return ForkedJvm.JDK17;
    }

}
