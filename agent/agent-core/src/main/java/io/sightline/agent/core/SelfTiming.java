package io.sightline.agent.core;

/** What {@link SelfTimingHandler} shows through JMX (its MBean interface). */
public interface SelfTiming {
    /** The agent's own time per request and per task since the last take (see {@link SelfTimingHandler#take}). */
    String take();
}
