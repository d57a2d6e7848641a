package io.sightline.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.Compression;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Gzip on the API's JSON and the UI's assets, on unless {@code server.compression.enabled=false}:
 * the scatter summary of a large window shrinks about six times. Files under 2 KB stay as they
 * are; JSON is written without a known length, so Tomcat compresses it whatever its size (a
 * tiny answer grows by some 20 bytes, which is not worth buffering every answer for).
 */
@Component
@Conditional(WebRole.class)
public class ApiCompression implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory>, Ordered {
    private final boolean enabled;

    public ApiCompression(@Value("${server.compression.enabled:true}") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void customize(ConfigurableServletWebServerFactory factory) {
        Compression c = new Compression();
        c.setEnabled(enabled);
        c.setMinResponseSize(DataSize.ofKilobytes(2));
        c.setMimeTypes(new String[] {"application/json", "application/yaml", "text/html", "text/css",
            "text/javascript", "application/javascript", "image/svg+xml"});
        factory.setCompression(c);
    }

    /** After Spring Boot's own customizer, which would otherwise reset compression from the properties. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
