package io.sightline.collector;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sightline.protocol.Protocol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Requires the {@code sightline-token} header to equal the configured token (never logged). */
final class TokenInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> TOKEN = Metadata.Key.of(Protocol.TOKEN_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private final byte[] expected;
    private final CollectorMetrics metrics;

    TokenInterceptor(String token, CollectorMetrics metrics) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String given = headers.get(TOKEN);
        byte[] g = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
        // constant time whatever the input
        if (!MessageDigest.isEqual(expected, g)) {
            metrics.unauthenticated();
            call.close(Status.UNAUTHENTICATED.withDescription(given == null ? "sightline-token required"
                    : "sightline-token does not match"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
