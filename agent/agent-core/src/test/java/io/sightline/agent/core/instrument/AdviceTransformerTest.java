package io.sightline.agent.core.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.testtarget.Target;
import net.bytebuddy.asm.Advice;

class AdviceTransformerTest {
    /** Advice that returns 42 from the method it is woven into. */
    public static class FortyTwo {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return(readOnly = false) int value) {
            value = 42;
        }
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static String internal(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    /** A transformer with one rule: {@link FortyTwo} on {@code Target.run}. */
    static AdviceTransformer fortyTwoOnTargetRun(URLClassLoader agent) {
        AdviceTransformer.Rule rule = new AdviceTransformer.Rule("test", named(Target.class.getName()), null);
        rule.methods.add(named("run"));
        rule.advice.add(FortyTwo.class.getName());
        return new AdviceTransformer(null, agent, List.of(rule), new Instrumenter.AdviceSources(agent));
    }

    @Test
    void weavesTheTypesARuleMatchesAndNothingElse() throws Exception {
        ClassLoader app = AdviceTransformerTest.class.getClassLoader();
        try (URLClassLoader agent = new URLClassLoader(new URL[0], app)) {
            AdviceTransformer t = fortyTwoOnTargetRun(agent);

            byte[] woven = t.transform(app, internal(Target.class), null, null, bytes(Target.class));
            assertThat(woven).isNotNull().isNotEqualTo(bytes(Target.class));
            Class<?> defined = new ClassLoader(app) {
                Class<?> define() {
                    return defineClass(Target.class.getName(), woven, 0, woven.length);
                }
            }.define();
            Object target = defined.getConstructor().newInstance();
            assertThat(defined.getMethod("run").invoke(target)).isEqualTo(42);
            assertThat(t.types.get()).isEqualTo(1);

            // another type, the agent's own loader, our own packages: untouched
            assertThat(t.transform(app, internal(FortyTwo.class), null, null, bytes(FortyTwo.class))).isNull();
            assertThat(t.transform(agent, internal(Target.class), null, null, bytes(Target.class))).isNull();
            assertThat(t.transform(app, "io/sightline/agent/core/Anything", null, null, bytes(Target.class))).isNull();
            assertThat(AdviceTransformer.ignored("io/sightline/agent/shaded/net/bytebuddy/ByteBuddy")).isTrue();
            assertThat(AdviceTransformer.ignored("java/util/concurrent/ThreadPoolExecutor")).isFalse();
            assertThat(t.types.get()).isEqualTo(1);
        }
    }

    @Test
    void aTransformLeavesNoEntryInTheThreadsThreadLocalMap() throws Exception {
        ClassLoader app = AdviceTransformerTest.class.getClassLoader();
        try (URLClassLoader agent = new URLClassLoader(new URL[0], app)) {
            AdviceTransformer t = fortyTwoOnTargetRun(agent);

            // a thread local's get() on a thread without its entry makes a new value (and an entry):
            // the same array after a transform would mean the transform left the entry in place
            for (Class<?> type : new Class<?>[] {Target.class, Test.class}) { // woven, and looked at only
                boolean[] entry = t.busy.get();
                t.transform(app, internal(type), null, null, bytes(type));
                assertThat(t.busy.get()).isNotSameAs(entry);
            }

            // and a class loaded while this thread transforms still passes untouched
            t.busy.get()[0] = true;
            assertThat(t.transform(app, internal(Target.class), null, null, bytes(Target.class))).isNull();
            assertThat(t.busy.get()[0]).isTrue();
            t.busy.remove();
            assertThat(t.transform(app, internal(Target.class), null, null, bytes(Target.class))).isNotNull();
        }
    }
}
