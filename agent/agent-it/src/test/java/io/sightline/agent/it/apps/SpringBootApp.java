package io.sightline.agent.it.apps;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot 3 application (embedded Tomcat, Spring MVC). Prints "READY <port>". */
@SpringBootApplication
@RestController
public class SpringBootApp {

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
