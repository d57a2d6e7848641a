package io.sightline.agent.core;

import io.sightline.agent.bridge.BridgeHandler;

/**
 * Test hook ({@code -Dsightline.test.failHelpers=true}, never set in production): every call from
 * advice does the agent's work and then throws, to prove that nothing the agent does can reach
 * the application.
 */
final class FailingHandler extends BridgeHandler {
    private final BridgeHandler delegate;

    FailingHandler(BridgeHandler delegate) {
        this.delegate = delegate;
    }

    private static RuntimeException failure(String where) {
        return new IllegalStateException("sightline.test.failHelpers: " + where);
    }

    @Override
    public Object serverEnter(String serviceType, String method, String uri, String host, String scheme, String clientIp, String traceparent, String parent, String parentApplication, String parentServiceType, String parentSpan) {
        delegate.serverEnter(serviceType, method, uri, host, scheme, clientIp, traceparent, parent, parentApplication, parentServiceType, parentSpan);
        throw failure("serverEnter");
    }

    @Override
    public String cachedText(byte[] bytes, int start, int end, java.nio.charset.Charset charset) {
        delegate.cachedText(bytes, start, end, charset);
        throw failure("cachedText");
    }

    @Override
    public String clientIpHeader() {
        delegate.clientIpHeader();
        throw failure("clientIpHeader");
    }

    @Override
    public void serverDetach(Object scope) {
        delegate.serverDetach(scope);
        throw failure("serverDetach");
    }

    @Override
    public void serverExit(Object scope, int status, Throwable thrown, String uriTemplate) {
        delegate.serverExit(scope, status, thrown, uriTemplate);
        throw failure("serverExit");
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, String url, boolean alreadySent) {
        delegate.httpClientEnter(request, library, method, url, alreadySent);
        throw failure("httpClientEnter");
    }

    @Override
    public Object httpClientEnter(Object request, String library, String method, java.net.URL url, boolean alreadySent) {
        delegate.httpClientEnter(request, library, method, url, alreadySent);
        throw failure("httpClientEnter");
    }

    @Override
    public String[] outgoingHeaders(Object scope) {
        delegate.outgoingHeaders(scope);
        throw failure("outgoingHeaders");
    }

    @Override
    public void httpClientExit(Object scope, int status, Throwable thrown, boolean completes) {
        delegate.httpClientExit(scope, status, thrown, completes);
        throw failure("httpClientExit");
    }

    @Override
    public void httpClientEnd(Object key, int status, Throwable thrown) {
        delegate.httpClientEnd(key, status, thrown);
        throw failure("httpClientEnd");
    }

    @Override
    public void jdbcPrepared(Object statement, String sql) {
        delegate.jdbcPrepared(statement, sql);
        throw failure("jdbcPrepared");
    }

    @Override
    public void jdbcBind(Object statement, int index, Object value) {
        delegate.jdbcBind(statement, index, value);
        throw failure("jdbcBind");
    }

    @Override
    public void jdbcClearParameters(Object statement) {
        delegate.jdbcClearParameters(statement);
        throw failure("jdbcClearParameters");
    }

    @Override
    public void jdbcAddBatch(Object statement, String sql) {
        delegate.jdbcAddBatch(statement, sql);
        throw failure("jdbcAddBatch");
    }

    @Override
    public Object jdbcEnter(Object statement, String method, String sql) {
        delegate.jdbcEnter(statement, method, sql);
        throw failure("jdbcEnter");
    }

    @Override
    public void jdbcExit(Object scope, Throwable thrown) {
        delegate.jdbcExit(scope, thrown);
        throw failure("jdbcExit");
    }

    @Override
    public void contextCapture(Object task) {
        delegate.contextCapture(task);
        throw failure("contextCapture");
    }

    @Override
    public Object contextAttach(Object task) {
        delegate.contextAttach(task);
        throw failure("contextAttach");
    }

    @Override
    public void contextClose(Object token) {
        delegate.contextClose(token);
        throw failure("contextClose");
    }

    @Override
    public boolean shouldCarryContext(Runnable task) {
        delegate.shouldCarryContext(task);
        throw failure("shouldCarryContext");
    }
}
