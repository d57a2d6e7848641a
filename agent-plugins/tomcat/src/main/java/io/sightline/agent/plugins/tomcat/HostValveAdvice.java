package io.sightline.agent.plugins.tomcat;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined into StandardHostValve.invoke: reads the request, hands it to the bridge. */
final class HostValveAdvice {
    private HostValveAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Request request) {
        if (request.getNote("io.sightline.agent.span") != null) {
            return null; // an async dispatch of a request already recorded
        }
        String ipHeader = Bridge.clientIpHeader();
        String ip = ipHeader == null ? null : request.getHeader(ipHeader);
        if (ip == null) {
            ip = request.getRemoteAddr();
        }
        String traceparent = request.getHeader("traceparent");
        String parent = traceparent == null ? null : request.getHeader("sightline-parent");
        // agents before sightline-parent sent its three fields as three headers
        boolean older = traceparent != null && parent == null;
        // The URI and Host header as the request's raw bytes, their text taken from the agent's
        // cache: getRequestURI() and getHeader() decode the bytes into a new String (through a
        // CharBuffer) unless the application asked first, on every request. Any other case
        // (already a String, non-ASCII bytes) is left to Tomcat, as before.
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        MessageBytes raw = coyote.requestURI();
        String uri = null;
        if (raw.getType() == MessageBytes.T_BYTES) {
            ByteChunk bytes = raw.getByteChunk();
            uri = Bridge.cachedText(bytes.getBuffer(), bytes.getStart(), bytes.getEnd(), bytes.getCharset());
        }
        if (uri == null) {
            uri = request.getRequestURI();
        }
        raw = coyote.getMimeHeaders().getValue("host");
        String host = null;
        if (raw != null && raw.getType() == MessageBytes.T_BYTES) {
            ByteChunk bytes = raw.getByteChunk();
            host = Bridge.cachedText(bytes.getBuffer(), bytes.getStart(), bytes.getEnd(), bytes.getCharset());
        }
        if (host == null && raw != null) {
            host = request.getHeader("host");
        }
        Object scope = Bridge.serverEnter("TOMCAT", request.getMethod(), uri,
                host, request.getScheme(), ip, traceparent, parent,
                older ? request.getHeader("sightline-parent-app") : null,
                older ? request.getHeader("sightline-parent-type") : null,
                older ? request.getHeader("sightline-parent-span") : null);
        if (scope != null) {
            request.setNote("io.sightline.agent.span", scope);
        }
        return scope;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object scope, @Advice.Argument(0) Request request,
                     @Advice.Argument(1) Response response, @Advice.Thrown Throwable thrown) {
        if (scope == null) {
            return;
        }
        if (thrown == null && request.isAsync()) {
            // async request: the span ends when the async context completes (AsyncCompleteAdvice)
            Bridge.serverDetach(scope);
            return;
        }
        Throwable error = thrown;
        if (error == null) {
            Object attr = request.getAttribute("jakarta.servlet.error.exception");
            if (attr == null) {
                attr = request.getAttribute("javax.servlet.error.exception");
            }
            if (attr instanceof Throwable) {
                error = (Throwable) attr;
            }
        }
        Object template = null;
        if (request.getAttribute("jakarta.servlet.error.status_code") == null
                && request.getAttribute("javax.servlet.error.status_code") == null) {
            // after an error page dispatch the attribute names the error page's mapping instead
            template = request.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
        }
        Bridge.serverExit(scope, response.getStatus(), error, template == null ? null : template.toString());
    }
}
