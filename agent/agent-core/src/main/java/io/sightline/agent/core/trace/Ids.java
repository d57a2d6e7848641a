package io.sightline.agent.core.trace;

import java.util.concurrent.ThreadLocalRandom;

/** Random W3C ids. */
public final class Ids {
    private Ids() {
    }

    /** 16 random bytes, never all zero. */
    public static byte[] newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] id = new byte[16];
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (hi >>> (56 - 8 * i));
            id[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return id;
    }

    /** A random span id, never 0. */
    public static long newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }
}
