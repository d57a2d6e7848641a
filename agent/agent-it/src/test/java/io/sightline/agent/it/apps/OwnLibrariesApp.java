package io.sightline.agent.it.apps;

import java.net.HttpURLConnection;
import java.net.URL;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that ships its own ByteBuddy and gRPC (as many do): they must be the
 * application's, untouched by the agent's relocated copies. Prints what it sees, then exits.
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
        if (args.length > 0) {
            HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
            System.out.println("HTTP " + c.getResponseCode());
        }
        System.out.println("DONE");
    }
}
