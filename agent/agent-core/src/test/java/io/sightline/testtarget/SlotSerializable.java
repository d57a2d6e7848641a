package io.sightline.testtarget;

/** Serializable without a serialVersionUID: a slot would change the computed one. */
public class SlotSerializable implements java.io.Serializable {
}
