package io.sightline.protocol;

/** Constants shared by the agent and the collector. */
public final class Protocol {
    /** Version of the sightline.v1 messages this build speaks; raised when fields are added. */
    public static final int PROTOCOL_VERSION = 1;

    /** gRPC metadata key carrying the collector token (never logged). */
    public static final String TOKEN_HEADER = "sightline-token";

    /** W3C trace context header. */
    public static final String TRACEPARENT = "traceparent";

    /**
     * Sent beside traceparent: {@code <calling span id, 16 hex>;<its service type>;<its application>},
     * so the callee can join the caller's call tree and draw the link on the map.
     */
    public static final String PARENT_HEADER = "sightline-parent";

    /** What agents before {@link #PARENT_HEADER} sent instead (still accepted): the calling application's name. */
    public static final String PARENT_APPLICATION_HEADER = "sightline-parent-app";

    /** What agents before {@link #PARENT_HEADER} sent instead (still accepted): the calling application's service type. */
    public static final String PARENT_SERVICE_TYPE_HEADER = "sightline-parent-type";

    /** What agents before {@link #PARENT_HEADER} sent instead (still accepted): the calling span's id. */
    public static final String PARENT_SPAN_HEADER = "sightline-parent-span";

    private Protocol() {
    }
}
