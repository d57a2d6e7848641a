package io.sightline.web;

import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The single-page UI's routes: each serves index.html and the Vue router takes over. Listed one
 * by one so that an unknown path stays a 404.
 */
@Controller
@Conditional(WebRole.class)
public class UiController {

    @GetMapping({"/", "/login", "/servermap", "/scatter", "/transactions", "/transactions/{id}",
            "/inspector", "/live"})
    public String page() {
        return "forward:/index.html";
    }
}
