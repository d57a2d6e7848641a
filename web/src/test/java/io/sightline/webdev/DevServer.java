package io.sightline.webdev;

import io.sightline.web.SecurityConfig;
import io.sightline.web.UiController;
import io.sightline.web.api.ApiController;
import io.sightline.web.api.ApiErrorHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The web module on generated data, for UI work, screenshots and the browser benchmark:
 * {@code -Dsightline.dev.transactions=1000000 -Dsightline.dev.minutes=60}. Needs
 * SIGHTLINE_ADMIN_PASSWORD (or a data dir) like the real server.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({SecurityConfig.class, UiController.class, ApiController.class, ApiErrorHandler.class})
public class DevServer {

    @Bean
    SyntheticQueries syntheticQueries() {
        int n = Integer.getInteger("sightline.dev.transactions", 20_000);
        long minutes = Long.getLong("sightline.dev.minutes", 60);
        long now = System.currentTimeMillis();
        return new SyntheticQueries(n, now - minutes * 60_000, now, 42);
    }

    public static void main(String[] args) {
        SpringApplication.run(DevServer.class, args);
    }
}
