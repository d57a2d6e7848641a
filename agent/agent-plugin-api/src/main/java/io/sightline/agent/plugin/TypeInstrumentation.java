package io.sightline.agent.plugin;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Advice for the methods of one kind of type.
 *
 * <p>Advice classes are inlined into the target: they may refer only to the target library's
 * types, JDK types and {@code io.sightline.agent.bridge.Bridge}. They are named, never loaded,
 * by the agent, and every advice method uses {@code suppress = Throwable.class}.
 */
public interface TypeInstrumentation {

    /**
     * The types to change. Prefer exact names, and require the members the advice relies on
     * (e.g. {@code declaresMethod(...)}) so that the plugin never applies to a version it does not
     * understand.
     */
    ElementMatcher<TypeDescription> typeMatcher();

    /**
     * Class loaders where the plugin applies (see {@link Requirements}); checked once per loader
     * before the type matcher. Null means any.
     */
    ElementMatcher<ClassLoader> classLoaderMatcher();

    /** Names the advice class for each group of methods. */
    void transform(AdviceTarget target);
}
