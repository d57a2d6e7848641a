package io.sightline.agent.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Spring RestTemplate (spring-web 6): the shared scenarios, traced through the client underneath
 * its request factory (its events are that client's). The application sees RestTemplate's
 * ResourceAccessException where the client failed.
 */
abstract class RestTemplateScenarios extends HttpClientScenarios {
    static final String RESTTEMPLATE_FAILURE = "failed=org.springframework.web.client.ResourceAccessException";

    @Override
    String refusedAnswer() {
        return RESTTEMPLATE_FAILURE;
    }

    @Override
    String timeoutAnswer() {
        return RESTTEMPLATE_FAILURE;
    }

    /** spring-web and what it needs, then the client underneath. */
    static List<String> spring(String... client) {
        List<String> libs = new ArrayList<>(List.of("spring-web-", "spring-core", "spring-jcl", "spring-beans",
                "micrometer-observation", "micrometer-commons"));
        libs.addAll(List.of(client));
        return libs;
    }
}
