package io.sightline.web;

import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.CacheControl;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The single-page UI's routes: each serves index.html and the Vue router takes over. Listed one
 * by one so that an unknown path stays a 404.
 */
@Controller
@Conditional(WebRole.class)
public class UiController implements WebMvcConfigurer {

    /** Built assets carry a content hash in their names, so browsers may keep them. */
    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**").addResourceLocations("classpath:/static/assets/")
                .setCacheControl(CacheControl.maxAge(365, TimeUnit.DAYS).cachePrivate().immutable());
    }

    @GetMapping({"/", "/login", "/servermap", "/scatter", "/transactions", "/transactions/{id}",
            "/inspector", "/live"})
    public String page() {
        return "forward:/index.html";
    }
}
