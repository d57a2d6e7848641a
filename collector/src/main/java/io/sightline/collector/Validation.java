package io.sightline.collector;

import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;

/** Limits on what agents send; a message beyond them is refused, never half-stored silently. */
final class Validation {
    static final int MAX_ID = 4096;
    static final int MAX_NAME = 1024;
    static final int MAX_TEXT = 64 * 1024;
    static final int MAX_SPANS_PER_BATCH = 20_000;
    static final int MAX_EVENTS_PER_SPAN = 20_000;
    static final int MAX_METADATA_PER_BATCH = 20_000;
    static final int MAX_STATS_PER_BATCH = 10_000;

    private Validation() {
    }

    /** Null when the ref is usable, else why not. */
    static String agentRef(AgentRef ref) {
        if (ref.getAgentId().isEmpty()) {
            return "agent.agent_id is required";
        }
        if (ref.getAgentId().length() > MAX_ID) {
            return "agent.agent_id is longer than " + MAX_ID;
        }
        if (ref.getApplicationName().length() > MAX_NAME) {
            return "agent.application_name is longer than " + MAX_NAME;
        }
        return null;
    }

    /** Null when the entry is usable. */
    static String metadata(MetadataEntry m) {
        if (m.getKind() == MetadataEntry.Kind.KIND_UNSPECIFIED || m.getKind() == MetadataEntry.Kind.UNRECOGNIZED) {
            return "metadata kind is not set";
        }
        if (m.getId() == 0) {
            return "metadata id is 0";
        }
        if (m.getValue().length() > MAX_TEXT) {
            return "metadata value is longer than " + MAX_TEXT;
        }
        return null;
    }

    /** Null when the span is usable (after the batch's agent ref filled its gaps). */
    static String span(Span s) {
        if (s.getTraceId().size() != 16) {
            return "trace_id must be 16 bytes";
        }
        boolean zero = true;
        for (int i = 0; i < 16 && zero; i++) {
            zero = s.getTraceId().byteAt(i) == 0;
        }
        if (zero) {
            return "trace_id must not be all zero";
        }
        if (s.getSpanId() == 0) {
            return "span_id must not be 0";
        }
        if (s.getAgentId().isEmpty() || s.getAgentId().length() > MAX_ID) {
            return "agent_id is missing or too long";
        }
        if (s.getApplicationName().isEmpty() || s.getApplicationName().length() > MAX_NAME
                || s.getApplicationName().indexOf('^') >= 0) {
            return "application_name is missing, too long or contains '^'";
        }
        if (s.getParentApplication().length() > MAX_NAME || s.getParentApplication().indexOf('^') >= 0) {
            return "parent_application is too long or contains '^'";
        }
        if (s.getStartTime() <= 0 || s.getStartTime() > 32_503_680_000_000L) {
            return "start_time is out of range";
        }
        if (s.getElapsed() < 0) {
            return "elapsed is negative";
        }
        if (s.getUri().length() > MAX_TEXT || s.getUriTemplate().length() > MAX_TEXT || s.getClientIp().length() > 256
                || s.getEndpoint().length() > MAX_NAME || s.getServiceType().length() > 64 || s.getMethod().length() > 64) {
            return "a text field is too long";
        }
        if (s.getEventsCount() > MAX_EVENTS_PER_SPAN) {
            return "more than " + MAX_EVENTS_PER_SPAN + " events";
        }
        for (SpanEvent e : s.getEventsList()) {
            if (e.getElapsed() < 0 || e.getDepth() < 0) {
                return "event " + e.getSequence() + " has a negative elapsed or depth";
            }
            if (e.getDestination().length() > MAX_NAME || e.getServiceType().length() > 64) {
                return "event " + e.getSequence() + " has a too long destination or type";
            }
        }
        return null;
    }
}
