package io.sightline.web;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether this process serves the web role ({@code sightline.roles}, default "collector,web").
 * The REST API and the UI are registered only when it does.
 */
public final class WebRole implements Condition {

    /** The setting and its default, as in CONTRACT.md. */
    public static final String ROLES = "sightline.roles";
    public static final String DEFAULT_ROLES = "collector,web";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return enabled(context.getEnvironment());
    }

    /** True when the role list names {@code web} (case-insensitive, comma or space separated). */
    public static boolean enabled(Environment env) {
        return enabled(env.getProperty(ROLES, DEFAULT_ROLES));
    }

    static boolean enabled(String roles) {
        if (roles == null) {
            return true;
        }
        return Arrays.stream(roles.split("[,\\s]+"))
                .map(r -> r.trim().toLowerCase(Locale.ROOT))
                .anyMatch("web"::equals);
    }

    /** The opposite condition: this process has no web role (only /actuator/health is served). */
    public static final class Off implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !enabled(context.getEnvironment());
        }
    }
}
