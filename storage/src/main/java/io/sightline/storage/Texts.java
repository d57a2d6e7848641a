package io.sightline.storage;

import io.sightline.protocol.v1.ExceptionInfo;
import io.sightline.protocol.v1.Span;

/** Small text conventions shared by writers and readers. */
public final class Texts {
    private Texts() {
    }

    /** "ClassName: message", "ClassName" without a message, or null when there is no exception. */
    public static String exception(ExceptionInfo e, boolean present) {
        if (!present || e.getClassName().isEmpty()) {
            return null;
        }
        return e.getMessage().isEmpty() ? e.getClassName() : e.getClassName() + ": " + e.getMessage();
    }

    public static String exception(Span s) {
        return exception(s.getException(), s.hasException());
    }

    /** The application's service type, TOMCAT when the agent did not say. */
    public static String serviceType(String type) {
        return type == null || type.isEmpty() ? io.sightline.protocol.ServiceTypes.TOMCAT : type;
    }

    /** A server-map node key. */
    public static String nodeKey(String name, String serviceType) {
        return name + "^" + serviceType;
    }

    public static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
