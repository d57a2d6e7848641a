package io.sightline.protocol;

/** Constants shared by the agent and the collector. */
public final class Protocol {
    /** Version of the sightline.v1 messages this build speaks; raised when fields are added. */
    public static final int PROTOCOL_VERSION = 1;

    /** gRPC metadata key carrying the collector token (never logged). */
    public static final String TOKEN_HEADER = "sightline-token";

    /** W3C trace context header. */
    public static final String TRACEPARENT = "traceparent";

    /** Sent beside traceparent: the calling application's name, so the callee can draw the link. */
    public static final String PARENT_APPLICATION_HEADER = "sightline-parent-app";

    /** Sent beside traceparent: the calling application's service type. */
    public static final String PARENT_SERVICE_TYPE_HEADER = "sightline-parent-type";

    private Protocol() {
    }
}
