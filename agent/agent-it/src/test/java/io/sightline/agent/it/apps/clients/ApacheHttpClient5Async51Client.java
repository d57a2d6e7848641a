package io.sightline.agent.it.apps.clients;

import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/** The async client as on 5.1 (no ConnectionConfig yet): timeouts from the request config and the reactor. */
public final class ApacheHttpClient5Async51Client extends ApacheHttpClient5AsyncClient {
    @SuppressWarnings("deprecation") // setConnectTimeout moved to ConnectionConfig in 5.2
    public ApacheHttpClient5Async51Client() {
        super(HttpAsyncClients.custom()
                .setIOReactorConfig(IOReactorConfig.custom().setSoTimeout(3, TimeUnit.SECONDS).build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(Timeout.ofSeconds(2))
                        .setResponseTimeout(Timeout.ofSeconds(3)).build())
                .build());
    }
}
