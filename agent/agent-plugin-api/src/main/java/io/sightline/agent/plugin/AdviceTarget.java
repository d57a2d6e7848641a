package io.sightline.agent.plugin;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Receives the advice of a {@link TypeInstrumentation}. */
public interface AdviceTarget {

    /**
     * Applies the advice class {@code adviceClassName} (found in the agent jar, never loaded) to
     * the methods matching {@code methods}.
     */
    AdviceTarget advice(ElementMatcher<? super MethodDescription> methods, String adviceClassName);
}
