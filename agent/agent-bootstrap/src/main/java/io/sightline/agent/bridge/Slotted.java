package io.sightline.agent.bridge;

/**
 * A library class the agent gave one field of its own, {@code sightline$slot}, when the class
 * was defined (an instrumentation asks for it with {@code AdviceTarget.slot()}). The tracer keeps
 * its state about such an object there instead of in a weak side table: no weak reference, no
 * identity hash, nothing for the GC to process, and the state dies with the object.
 *
 * <p>Only the agent calls these methods. The field is plain (not volatile): the objects that
 * carry it (statements, connections) are used by one thread at a time, and an application that
 * hands one to another thread publishes it safely, which publishes the slot with it; what the
 * agent keeps there is safe to read through a race anyway (final fields, or fields read under
 * the object's own lock).
 */
public interface Slotted {

    /** The agent's value for this object, or null. */
    Object sightline$slot();

    /** Sets the agent's value for this object (null clears it). */
    void sightline$slot(Object value);
}
