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

    /**
     * Gives the matched classes one field of the agent's and the bridge's {@code Slotted}
     * interface to reach it, where that is possible: only when the class is defined after the
     * agent started (a class already loaded can't get a field; its advice still applies), once per
     * class hierarchy, and never to a serializable class without its own serialVersionUID. The
     * tracer falls back to a weak side table for objects without the slot. A target that cannot
     * add fields (a plugin's own test listing its advice) ignores it.
     */
    default AdviceTarget slot() {
        return this;
    }
}
