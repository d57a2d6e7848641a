package io.sightline.agent.transport;

import java.io.InputStream;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanServiceGrpc;

/**
 * SpanService.Send with the request already encoded ({@link SpanBatchWriter}, {@link SpanQueue}):
 * the same method and bytes on the wire as the generated stub, without building the message
 * objects.
 */
final class EncodedBatch {
    static final MethodDescriptor<SpanQueue.Batch, BatchAck> SEND =
            MethodDescriptor.<SpanQueue.Batch, BatchAck>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(SpanServiceGrpc.getSendMethod().getFullMethodName())
                    .setRequestMarshaller(new Marshaller())
                    .setResponseMarshaller(ProtoUtils.marshaller(BatchAck.getDefaultInstance()))
                    .build();

    private EncodedBatch() {
    }

    /** Sends the batch and waits for the collector's answer (its bytes may change after). */
    static BatchAck send(Channel channel, SpanQueue.Batch batch, CallOptions options) {
        return ClientCalls.blockingUnaryCall(channel, SEND, options, batch);
    }

    private static final class Marshaller implements MethodDescriptor.Marshaller<SpanQueue.Batch> {
        @Override
        public InputStream stream(SpanQueue.Batch value) {
            return value.stream();
        }

        @Override
        public SpanQueue.Batch parse(InputStream stream) {
            throw new UnsupportedOperationException("the agent never receives span batches");
        }
    }
}
