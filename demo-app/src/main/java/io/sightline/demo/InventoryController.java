package io.sightline.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The back of the demo: stock levels, called by the shop. */
@RestController
@ConditionalOnProperty(name = "demo.role", havingValue = "inventory")
public class InventoryController {
    private final JdbcTemplate jdbc;

    public InventoryController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/stock/{itemId}")
    public Map<String, Object> stock(@PathVariable long itemId) throws InterruptedException {
        // a little think time so the inventory's bar is visible in the call tree
        Thread.sleep(ThreadLocalRandom.current().nextInt(2, 15));
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select item_id, quantity from stock where item_id = ?", itemId);
        return rows.isEmpty() ? Map.of("itemId", itemId, "quantity", 0) : rows.get(0);
    }
}
