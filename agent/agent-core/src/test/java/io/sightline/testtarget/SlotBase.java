package io.sightline.testtarget;

/** A library class whose instrumentation asks for the agent's slot. */
public class SlotBase {
    public int answer() {
        return 1;
    }
}
