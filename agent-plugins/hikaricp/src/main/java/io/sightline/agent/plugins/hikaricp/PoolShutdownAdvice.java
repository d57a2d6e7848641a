package io.sightline.agent.plugins.hikaricp;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined into HikariPool.shutdown(): the pool's gauges stop being sent. */
final class PoolShutdownAdvice {
    private PoolShutdownAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pool) {
        Bridge.poolUnregister(pool);
    }
}
