package io.sightline.agent.core.stats;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sightline.agent.core.log.AgentLog;

/**
 * The connection pools plugins told us about, read on the stats thread. Pools are held weakly
 * (a pool the application dropped without shutting it down goes away with it) and there are at
 * most {@link #MAX_POOLS}. Reading is reflective, by the public methods of the pool library,
 * so the core needs no pool classes and a read can't fail the application.
 */
public final class PoolGauges {
    public static final int MAX_POOLS = 64;

    private final CopyOnWriteArrayList<Entry> pools = new CopyOnWriteArrayList<Entry>();

    /** How one library's pool is read. */
    interface Reader {
        /** {active, idle, max, pending}. */
        int[] read(Object pool, Object config) throws Exception;
    }

    /** HikariCP 3 to 6: HikariPool's gauges, the maximum from its HikariConfig (it may change at run time). */
    static final class HikariReader implements Reader {
        private final Method active;
        private final Method idle;
        private final Method pending;
        private final Method max;

        HikariReader(Class<?> poolClass, Class<?> configClass) throws NoSuchMethodException {
            active = poolClass.getMethod("getActiveConnections");
            idle = poolClass.getMethod("getIdleConnections");
            pending = poolClass.getMethod("getThreadsAwaitingConnection");
            max = configClass == null ? null : configClass.getMethod("getMaximumPoolSize");
        }

        @Override
        public int[] read(Object pool, Object config) throws Exception {
            return new int[] {
                ((Number) active.invoke(pool)).intValue(),
                ((Number) idle.invoke(pool)).intValue(),
                max == null || config == null ? 0 : ((Number) max.invoke(config)).intValue(),
                ((Number) pending.invoke(pool)).intValue()
            };
        }
    }

    private static final class Entry {
        final WeakReference<Object> pool;
        final WeakReference<Object> config;
        final String name;
        final Reader reader;

        Entry(Object pool, Object config, String name, Reader reader) {
            this.pool = new WeakReference<Object>(pool);
            this.config = new WeakReference<Object>(config);
            this.name = name;
            this.reader = reader;
        }
    }

    /**
     * @param name the pool's name, or null to take it from the configuration (Hikari's poolName)
     */
    public void register(Object pool, String library, String name, Object config) {
        if (pool == null) {
            return;
        }
        try {
            Reader reader;
            if ("hikaricp".equals(library)) {
                reader = new HikariReader(pool.getClass(), config == null ? null : config.getClass());
                if (name == null && config != null) {
                    Object n = config.getClass().getMethod("getPoolName").invoke(config);
                    name = n == null ? null : n.toString();
                }
            } else {
                AgentLog.debug("unknown pool library " + library);
                return;
            }
            if (name == null) {
                name = library + "-" + Integer.toHexString(System.identityHashCode(pool));
            }
            unregister(pool);
            if (pools.size() >= MAX_POOLS) {
                AgentLog.info("more than " + MAX_POOLS + " connection pools: " + name + " is not sampled");
                return;
            }
            pools.add(new Entry(pool, config, name, reader));
        } catch (Throwable t) {
            AgentLog.debug("pool " + name + " not readable: " + t);
        }
    }

    public void unregister(Object pool) {
        for (Entry e : pools) {
            Object p = e.pool.get();
            if (p == null || p == pool) {
                pools.remove(e);
            }
        }
    }

    /** The gauges of every live pool, in registration order. */
    public PoolRecord[] sample() {
        List<PoolRecord> out = new ArrayList<PoolRecord>(pools.size());
        for (Iterator<Entry> it = pools.iterator(); it.hasNext();) {
            Entry e = it.next();
            Object pool = e.pool.get();
            if (pool == null) {
                pools.remove(e);
                continue;
            }
            try {
                int[] v = e.reader.read(pool, e.config.get());
                out.add(new PoolRecord(e.name, v[0], v[1], v[2], v[3]));
            } catch (Throwable t) {
                AgentLog.debug("pool " + e.name + " read failed: " + t);
            }
        }
        return out.toArray(new PoolRecord[0]);
    }
}
