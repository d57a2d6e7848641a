package io.sightline.agent.it.apps;

import java.net.HttpURLConnection;
import java.net.URL;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that ships its own ByteBuddy, gRPC (with its netty) and protobuf, as many do:
 * they must be the application's, untouched by the agent's relocated copies, and work. Prints
 * what it sees, then exits.
 */
public final class OwnLibrariesApp {
    private OwnLibrariesApp() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> made = new ByteBuddy().subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by the app's ByteBuddy"))
                .make().load(OwnLibrariesApp.class.getClassLoader()).getLoaded();
        System.out.println("BYTEBUDDY " + made.getDeclaredConstructor().newInstance() + " "
                + (ByteBuddy.class.getClassLoader() == ClassLoader.getSystemClassLoader()));
        Class<?> grpc = Class.forName("io.grpc.ManagedChannelBuilder");
        System.out.println("GRPC " + (grpc.getClassLoader() == ClassLoader.getSystemClassLoader()));
        System.out.println("GRPC CALL " + grpcRoundTrip());
        if (args.length > 0) {
            HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
            System.out.println("HTTP " + c.getResponseCode());
        }
        System.out.println("DONE");
    }

    /** A unary call through the app's own gRPC server and client (netty transport, protobuf messages). */
    static String grpcRoundTrip() throws Exception {
        MethodDescriptor<Struct, Struct> echo = MethodDescriptor.<Struct, Struct>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("app.Echo/Echo")
                .setRequestMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("app.Echo")
                .addMethod(echo, ServerCalls.asyncUnaryCall((request, out) -> {
                    out.onNext(request.toBuilder().putFields("echoed", Value.newBuilder().setBoolValue(true).build()).build());
                    out.onCompleted();
                }))
                .build();
        Server server = ServerBuilder.forPort(0).addService(service).build().start();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            Struct reply = ClientCalls.blockingUnaryCall(channel, echo, CallOptions.DEFAULT,
                    Struct.newBuilder().putFields("name", Value.newBuilder().setStringValue("app").build()).build());
            return reply.getFieldsOrThrow("name").getStringValue() + " " + reply.getFieldsOrThrow("echoed").getBoolValue()
                    + " " + (Struct.class.getClassLoader() == ClassLoader.getSystemClassLoader());
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
