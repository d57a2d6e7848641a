package io.sightline.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.server.ResponseStatusException;

/** The front of the demo: owners, orders, a slow page, a failing page and a partner call. */
@RestController
@ConditionalOnProperty(name = "demo.role", havingValue = "shop", matchIfMissing = true)
public class ShopController {
    private final JdbcTemplate jdbc;
    private final RestTemplate http;
    private final String inventoryUrl;
    private final String partnerUrl;

    public ShopController(JdbcTemplate jdbc, RestTemplateBuilder builder,
                          @Value("${demo.inventory-url:}") String inventoryUrl,
                          @Value("${demo.partner-url:}") String partnerUrl) {
        this.jdbc = jdbc;
        // the JDK's HttpURLConnection (Spring Boot would otherwise pick java.net.http.HttpClient)
        this.http = builder.requestFactory(SimpleClientHttpRequestFactory.class).build();
        this.inventoryUrl = inventoryUrl;
        this.partnerUrl = partnerUrl;
    }

    @GetMapping("/owners/{ownerId}")
    public Map<String, Object> owner(@PathVariable long ownerId) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select id, first_name, last_name, city from owners where id = ?", ownerId);
        if (rows.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no owner " + ownerId);
        }
        Map<String, Object> owner = new java.util.LinkedHashMap<>(rows.get(0));
        if (!inventoryUrl.isEmpty()) {
            owner.put("stock", http.getForObject(inventoryUrl + "/stock/" + ownerId, Map.class));
        }
        return owner;
    }

    @GetMapping("/owners")
    public List<Map<String, Object>> find(@RequestParam(defaultValue = "") String lastName) {
        return jdbc.queryForList(
                "select id, first_name, last_name from owners where last_name like ? order by id",
                lastName + "%");
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> order(@RequestParam long ownerId, @RequestParam String item) {
        jdbc.update("insert into orders (owner_id, item, created) values (?, ?, current_timestamp)",
                ownerId, item);
        Integer count = jdbc.queryForObject("select count(*) from orders where owner_id = ?",
                Integer.class, ownerId);
        return Map.of("ownerId", ownerId, "orders", count);
    }

    /** Slow on purpose: 1 to 6 seconds unless told otherwise. */
    @GetMapping("/slow")
    public Map<String, Object> slow(@RequestParam(required = false) Long ms) throws InterruptedException {
        long sleep = ms != null ? Math.min(ms, 30_000) : ThreadLocalRandom.current().nextLong(1_000, 6_000);
        Thread.sleep(sleep);
        Integer owners = jdbc.queryForObject("select count(*) from owners", Integer.class);
        return Map.of("slept", sleep, "owners", owners);
    }

    /**
     * Fails on purpose: a statement that fails while it executes (division by zero), then an
     * uncaught exception (HTTP 500).
     */
    @GetMapping("/fail")
    public Map<String, Object> fail(@RequestParam(defaultValue = "price ratio undefined") String reason) {
        try {
            jdbc.queryForList("select id, 100 / (id - id) as ratio from owners where id = ?", 1);
        } catch (RuntimeException e) {
            // the reason is the caller's text on purpose: the UI must show it as text, never as markup
            throw new IllegalStateException("checkout failed: " + reason, e);
        }
        return Map.of();
    }

    /** Calls a partner service that runs no agent (an HTTP node on the map). */
    @GetMapping("/partner")
    public Map<String, Object> partner() {
        if (partnerUrl.isEmpty()) {
            return Map.of("partner", "none");
        }
        return Map.of("partner", String.valueOf(http.getForObject(partnerUrl, String.class)).length());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public Map<String, Object> badRequest(IllegalArgumentException e) {
        return Map.of("error", String.valueOf(e.getMessage()));
    }
}
