package io.sightline.agent.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.sightline.protocol.v1.BatchAck;
import io.sightline.protocol.v1.SpanServiceGrpc;

/**
 * SpanService.Send with the request already encoded ({@link SpanBatchWriter}): the same method
 * and bytes on the wire as the generated stub, without building the message objects.
 */
final class EncodedBatch {
    static final MethodDescriptor<SpanBatchWriter.Batch, BatchAck> SEND =
            MethodDescriptor.<SpanBatchWriter.Batch, BatchAck>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(SpanServiceGrpc.getSendMethod().getFullMethodName())
                    .setRequestMarshaller(new Marshaller())
                    .setResponseMarshaller(ProtoUtils.marshaller(BatchAck.getDefaultInstance()))
                    .build();

    private EncodedBatch() {
    }

    /** Sends the batch and waits for the collector's answer (the buffer may be reused after). */
    static BatchAck send(Channel channel, SpanBatchWriter.Batch batch, CallOptions options) {
        return ClientCalls.blockingUnaryCall(channel, SEND, options, batch);
    }

    private static final class Marshaller implements MethodDescriptor.Marshaller<SpanBatchWriter.Batch> {
        @Override
        public InputStream stream(SpanBatchWriter.Batch value) {
            return new BytesStream(value.buffer, value.length);
        }

        @Override
        public SpanBatchWriter.Batch parse(InputStream stream) {
            throw new UnsupportedOperationException("the agent never receives span batches");
        }
    }

    /** The encoded bytes as gRPC likes them: known length, drained in one write. */
    static final class BytesStream extends InputStream implements KnownLength, Drainable {
        private final byte[] bytes;
        private final int length;
        private int position;

        BytesStream(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = length - position;
            target.write(bytes, position, n);
            position = length;
            return n;
        }

        @Override
        public int available() {
            return length - position;
        }

        @Override
        public int read() {
            return position < length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = Math.min(len, length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
