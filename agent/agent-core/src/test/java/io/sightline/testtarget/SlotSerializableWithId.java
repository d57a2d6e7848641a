package io.sightline.testtarget;

/** Serializable with its own serialVersionUID. */
public class SlotSerializableWithId implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
}
