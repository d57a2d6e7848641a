package io.sightline.agent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot 3 application (embedded Tomcat, Spring MVC, {@code @Async} on Spring Boot's
 * task executor). Prints "READY <port>".
 */
@SpringBootApplication
@RestController
@EnableAsync
public class SpringBootApp {
    @Autowired
    AsyncCalls asyncCalls;

    /** Calls {@code target} from an {@code @Async} method returning a CompletableFuture. */
    @GetMapping("/async-call")
    public String asyncCall(@RequestParam("target") String target) throws Exception {
        return "async " + asyncCalls.call(target).get();
    }

    /** Calls {@code target} from an {@code @Async} method returning a plain Future (the executor's submit). */
    @GetMapping("/async-future")
    public String asyncFuture(@RequestParam("target") String target) throws Exception {
        return "future " + asyncCalls.callFuture(target).get();
    }

    /** Calls {@code target} from a void {@code @Async} method, waiting until it has answered. */
    @GetMapping("/async-void")
    public String asyncVoid(@RequestParam("target") String target) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        asyncCalls.callAndCountDown(target, done);
        return "void " + done.await(30, TimeUnit.SECONDS);
    }

    /** {@code @Async} methods: called through Spring's proxy, they run on its task executor. */
    @Component
    public static class AsyncCalls {
        @Async
        public CompletableFuture<Integer> call(String target) throws IOException {
            HttpURLConnection c = (HttpURLConnection) new URL(target).openConnection();
            int status = c.getResponseCode();
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            return CompletableFuture.completedFuture(status);
        }

        /** The call's status, and whether it ran on a virtual thread (Java 21+). */
        @Async
        public Future<String> callFuture(String target) throws IOException {
            return CompletableFuture.completedFuture(get(target) + (isVirtual() ? " virtual" : " platform"));
        }

        private static boolean isVirtual() {
            try {
                return (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
            } catch (ReflectiveOperationException e) {
                return false; // before Java 21
            }
        }

        @Async
        public void callAndCountDown(String target, CountDownLatch done) throws IOException {
            get(target);
            done.countDown();
        }

        private static int get(String target) throws IOException {
            HttpURLConnection c = (HttpURLConnection) new URL(target).openConnection();
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            return c.getResponseCode();
        }
    }

    @GetMapping("/owners/{ownerId}")
    public String owner(@PathVariable("ownerId") int ownerId) {
        return "owner " + ownerId;
    }

    @GetMapping("/owners/{ownerId}/fail")
    public String fail(@PathVariable("ownerId") int ownerId) {
        throw new IllegalStateException("boom " + ownerId);
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(SpringBootApp.class);
        app.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off", "logging.level.root", "WARN"));
        ServletWebServerApplicationContext ctx = (ServletWebServerApplicationContext) app.run(args);
        System.out.println("READY " + ctx.getWebServer().getPort());
        System.out.flush();
    }
}
