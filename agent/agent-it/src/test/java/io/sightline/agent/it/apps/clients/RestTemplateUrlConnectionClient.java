package io.sightline.agent.it.apps.clients;

import org.springframework.http.client.SimpleClientHttpRequestFactory;

/** RestTemplate on SimpleClientHttpRequestFactory (HttpURLConnection underneath). */
public final class RestTemplateUrlConnectionClient extends RestTemplateCalls {
    public RestTemplateUrlConnectionClient() {
        super(factory());
    }

    private static SimpleClientHttpRequestFactory factory() {
        SimpleClientHttpRequestFactory f = new SimpleClientHttpRequestFactory();
        f.setConnectTimeout(2000);
        f.setReadTimeout(3000);
        return f;
    }
}
