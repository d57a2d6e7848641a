package io.sightline.web;

import io.sightline.storage.query.LiveAgents;
import io.sightline.storage.query.Queries;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The web module is a library; its tests host it in this application, as the server does, with
 * recorded answers standing in for the HBase storage the server provides.
 */
@SpringBootApplication
public class TestApp {

    @Bean
    FixtureQueries queries() {
        return new FixtureQueries();
    }

    @Bean
    LiveAgents liveAgents(Queries queries) {
        return ((FixtureQueries) queries)::active;
    }
}
