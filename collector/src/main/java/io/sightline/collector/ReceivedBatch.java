package io.sightline.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.SpanBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SpanBatch} as received, with each span left as the bytes the agent sent: the
 * collector parses a span for validation, the index and the map, but stores the agent's own bytes
 * in the traces cell instead of serialising the parsed span again. The wire format is exactly
 * SpanBatch's (a message field and a bytes field are both length-delimited), so agents see no
 * difference.
 *
 * <p>A request that is not a well-formed SpanBatch becomes a batch with {@link #problem} set, which
 * the collector answers with INVALID_ARGUMENT, storing nothing.
 */
final class ReceivedBatch {
    private static final int AGENT = tag(SpanBatch.AGENT_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SPANS = tag(SpanBatch.SPANS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int METADATA = tag(SpanBatch.METADATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int DROPPED = tag(SpanBatch.DROPPED_SPANS_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int FIRST_ATTEMPT = tag(SpanBatch.FIRST_ATTEMPT_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    final AgentRef agent;
    /** Each span's encoded bytes (slices of the request, not copies). */
    final List<ByteString> spans;
    final List<MetadataEntry> metadata;
    final long droppedSpans;
    /** The agent says none of these spans was sent before (SpanBatch.first_attempt). */
    final boolean firstAttempt;
    /** Null for a well-formed batch, else why it is not one. */
    final String problem;

    private ReceivedBatch(AgentRef agent, List<ByteString> spans, List<MetadataEntry> metadata, long droppedSpans,
                          boolean firstAttempt, String problem) {
        this.agent = agent;
        this.spans = spans;
        this.metadata = metadata;
        this.droppedSpans = droppedSpans;
        this.firstAttempt = firstAttempt;
        this.problem = problem;
    }

    /** Reads a SpanBatch's encoding; never throws (a malformed one has {@link #problem} set). */
    static ReceivedBatch parse(byte[] bytes) {
        // read-only view of the array: spans come out as slices of it, no copy
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
        in.enableAliasing(true);
        AgentRef.Builder agent = AgentRef.newBuilder();
        List<ByteString> spans = new ArrayList<>();
        List<MetadataEntry> metadata = new ArrayList<>();
        long dropped = 0;
        boolean firstAttempt = false;
        try {
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (tag == SPANS) {
                    spans.add(in.readBytes());
                } else if (tag == AGENT) {
                    in.readMessage(agent, ExtensionRegistryLite.getEmptyRegistry()); // repeated occurrences merge, as protobuf does
                } else if (tag == METADATA) {
                    metadata.add(in.readMessage(MetadataEntry.parser(), ExtensionRegistryLite.getEmptyRegistry()));
                } else if (tag == DROPPED) {
                    dropped = in.readInt64();
                } else if (tag == FIRST_ATTEMPT) {
                    firstAttempt = in.readBool();
                } else if (!in.skipField(tag)) {
                    break; // an end-group tag ends the message, as in generated parsers
                }
            }
            return new ReceivedBatch(agent.build(), spans, metadata, dropped, firstAttempt, null);
        } catch (IOException | RuntimeException e) {
            return invalid("request is not a valid SpanBatch message: " + e.getMessage());
        }
    }

    static ReceivedBatch invalid(String problem) {
        return new ReceivedBatch(AgentRef.getDefaultInstance(), List.of(), List.of(), 0, false, problem);
    }

    /** The same batch as received from the wire (for callers that hold a parsed one). */
    static ReceivedBatch of(SpanBatch batch) {
        return parse(batch.toByteArray());
    }

    /** Request marshaller of SpanService/Send: parses lazily as above; never sends one. */
    static final MethodDescriptor.Marshaller<ReceivedBatch> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(ReceivedBatch value) {
            throw new UnsupportedOperationException("a received batch is never sent");
        }

        @Override
        public ReceivedBatch parse(InputStream stream) {
            byte[] bytes;
            try {
                bytes = stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ReceivedBatch.parse(bytes);
        }
    };
}
