package io.sightline.testtarget;

/** A subclass the same instrumentation matches. */
public class SlotChild extends SlotBase {
    @Override
    public int answer() {
        return 2;
    }
}
