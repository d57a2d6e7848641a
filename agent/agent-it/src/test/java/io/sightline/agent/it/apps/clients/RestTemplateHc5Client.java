package io.sightline.agent.it.apps.clients;

import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/** RestTemplate on HttpComponentsClientHttpRequestFactory (Apache HttpClient 5 classic underneath). */
public final class RestTemplateHc5Client extends RestTemplateCalls {
    public RestTemplateHc5Client() {
        super(new HttpComponentsClientHttpRequestFactory(HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(2, TimeUnit.SECONDS)
                                .setSocketTimeout(3, TimeUnit.SECONDS).build())
                        .build())
                .build()));
    }
}
