package io.sightline.agent.core.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sightline.testtarget.Target;

/**
 * install() retransforms the classes loaded before it on a thread of its own; a thread about to
 * weave meanwhile waits for it (bounded), the retransforming thread itself never does, and a class
 * no rule wants never waits.
 */
class AdviceTransformerRetransformTest {
    private final ClassLoader app = AdviceTransformerRetransformTest.class.getClassLoader();
    private final URLClassLoader agent = new URLClassLoader(new URL[0], app);
    private final AdviceTransformer transformer;

    AdviceTransformerRetransformTest() {
        transformer = AdviceTransformerTest.fortyTwoOnTargetRun(agent);
    }

    @AfterEach
    void close() throws Exception {
        agent.close();
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private Thread weaving(Class<?> type, AtomicReference<byte[]> out, CountDownLatch done) {
        Thread t = new Thread(() -> {
            try {
                out.set(transformer.transform(app, type.getName().replace('.', '/'), null, null, bytes(type)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done.countDown();
            }
        });
        t.setDaemon(true);
        return t;
    }

    @Test
    void aWeaveWaitsForTheRetransformation() throws Exception {
        CountDownLatch retransforming = new CountDownLatch(1);
        transformer.retransformer = new Thread(() -> { });
        transformer.retransforming = retransforming;
        AtomicReference<byte[]> woven = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        weaving(Target.class, woven, done).start();
        assertThat(done.await(300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(transformer.awaitRetransformation(0)).isFalse();

        transformer.retransforming = null;
        retransforming.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(woven.get()).isNotNull();
        assertThat(transformer.awaitRetransformation(0)).isTrue();
    }

    @Test
    void theRetransformingThreadAndClassesNoRuleWantsDoNotWait() throws Exception {
        CountDownLatch retransforming = new CountDownLatch(1);
        transformer.retransforming = retransforming;
        transformer.retransformer = Thread.currentThread();
        assertThat(transformer.transform(app, Target.class.getName().replace('.', '/'), null, null, bytes(Target.class))).isNotNull();

        transformer.retransformer = new Thread(() -> { });
        AtomicReference<byte[]> untouched = new AtomicReference<>(new byte[0]);
        CountDownLatch done = new CountDownLatch(1);
        weaving(AdviceTransformerTest.class, untouched, done).start();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(untouched.get()).isNull();
        assertThat(retransforming.getCount()).isEqualTo(1);
    }

    @Test
    void theWaitIsBoundedAndKeepsTheApplicationsInterrupt() throws Exception {
        transformer.retransforming = new CountDownLatch(1); // never opens
        transformer.retransformer = new Thread(() -> { });
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicReference<byte[]> woven = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            long t0 = System.nanoTime();
            try {
                woven.set(transformer.transform(app, Target.class.getName().replace('.', '/'), null, null, bytes(Target.class)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted()
                    && System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(AdviceTransformer.RETRANSFORM_WAIT_MILLIS));
        });
        t.start();
        t.join(AdviceTransformer.RETRANSFORM_WAIT_MILLIS + 20000);
        assertThat(t.isAlive()).isFalse();
        assertThat(woven.get()).isNotNull();
        assertThat(interruptedAfter).isTrue();
    }
}
