package io.sightline.web;

import io.sightline.storage.query.LiveAgents;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The web module is a library; its tests host it in this application as the server does, on
 * the real storage: {@link RealStorage}'s HBase queries and its collector's live agents.
 */
@SpringBootApplication
public class TestApp {

    @Bean
    RecordingQueries queries() {
        return new RecordingQueries(RealStorage.shared().queries);
    }

    @Bean
    LiveAgents liveAgents() {
        LiveAgents collector = RealStorage.shared().live();
        return collector::activeRequests;
    }
}
