package io.sightline.agent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CompletableFuture;

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
