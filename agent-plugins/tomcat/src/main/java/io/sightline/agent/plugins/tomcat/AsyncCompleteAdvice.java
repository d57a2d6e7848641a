package io.sightline.agent.plugins.tomcat;

import org.apache.catalina.connector.Request;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into AsyncContextImpl.fireOnComplete: an async request is over; ends the span its
 * first dispatch left on the request.
 */
final class AsyncCompleteAdvice {
    private AsyncCompleteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("request") Request request) {
        if (request == null) {
            return;
        }
        Object scope = request.getNote("io.sightline.agent.span");
        if (scope == null) {
            return;
        }
        request.removeNote("io.sightline.agent.span");
        Object attr = request.getAttribute("jakarta.servlet.error.exception");
        if (attr == null) {
            attr = request.getAttribute("javax.servlet.error.exception");
        }
        Object template = null;
        if (request.getAttribute("jakarta.servlet.error.status_code") == null
                && request.getAttribute("javax.servlet.error.status_code") == null) {
            template = request.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
        }
        Bridge.serverExit(scope, request.getResponse().getStatus(), attr instanceof Throwable ? (Throwable) attr : null,
                template == null ? null : template.toString());
    }
}
