package io.sightline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"demo.role=shop", "demo.inventory-url="})
class DemoApplicationTest {
    @Autowired
    TestRestTemplate rest;

    @Test
    void ownerIsReadFromTheDatabase() {
        ResponseEntity<Map> r = rest.getForEntity("/owners/2", Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(r.getBody()).containsEntry("LAST_NAME", "Davis").doesNotContainKey("stock");
    }

    @Test
    void searchUsesAPrefix() {
        List<?> r = rest.getForObject("/owners?lastName=Dav", List.class);
        assertThat(r).hasSize(2);
    }

    @Test
    void unknownOwnerIs404AndFailIs500() {
        assertThat(rest.getForEntity("/owners/99", Map.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(rest.getForEntity("/fail", Map.class).getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    }

    @Test
    void ordersAreCounted() {
        ResponseEntity<Map> r = rest.postForEntity("/orders?ownerId=3&item=leash", null, Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(((Number) r.getBody().get("orders")).intValue()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void slowHonoursTheRequestedTime() {
        Map<?, ?> r = rest.getForObject("/slow?ms=5", Map.class);
        assertThat(r.get("slept")).isEqualTo(5);
        assertThat(r.get("owners")).isEqualTo(10);
    }
}
