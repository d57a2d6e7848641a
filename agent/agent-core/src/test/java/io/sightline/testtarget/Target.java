package io.sightline.testtarget;

/** A type outside the agent's packages (those are never instrumented), for AdviceTransformerTest. */
public class Target {
    public int run() {
        return 1;
    }
}
