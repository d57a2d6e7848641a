package io.sightline.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The demo shop. One jar, two roles: {@code --demo.role=shop} (the front, called by users, which
 * calls the inventory over HTTP) and {@code --demo.role=inventory}.
 */
@SpringBootApplication
public class DemoApplication {
    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }
}
