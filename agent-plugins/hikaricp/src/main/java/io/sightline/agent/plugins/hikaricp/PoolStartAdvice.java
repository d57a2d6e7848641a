package io.sightline.agent.plugins.hikaricp;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of HikariPool(HikariConfig): the pool is ready, its name (config.getPoolName()) settled. */
final class PoolStartAdvice {
    private PoolStartAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object pool, @Advice.Argument(0) Object config) {
        Bridge.poolRegister(pool, "hikaricp", null, config);
    }
}
