package io.sightline.agent.core.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The agent's threads: daemons named sightline-*, so they never keep the JVM alive. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static Thread newThread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setContextClassLoader(DaemonThreads.class.getClassLoader());
        return t;
    }

    public static ThreadFactory factory(final String prefix) {
        final AtomicInteger n = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                int i = n.incrementAndGet();
                return DaemonThreads.newThread(i == 1 ? prefix : prefix + "-" + i, r);
            }
        };
    }
}
