package io.sightline.agent.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlPartsTest {
    @Test
    void dropsCredentialsQueryAndFragment() {
        UrlParts p = UrlParts.parse("https://user:secret@API.Example.com/v1/items?token=abc#top");
        assertThat(p.destination()).isEqualTo("api.example.com:443");
        assertThat(p.display()).isEqualTo("https://api.example.com:443/v1/items");
    }

    @Test
    void portsAndEmptyPaths() {
        assertThat(UrlParts.parse("http://10.0.0.1:8080").display()).isEqualTo("http://10.0.0.1:8080/");
        assertThat(UrlParts.parse("http://[::1]:81/x").destination()).isEqualTo("[::1]:81");
        assertThat(UrlParts.parse("http://host/x").destination()).isEqualTo("host:80");
        assertThat(UrlParts.parse("not a url")).isNull();
        assertThat(UrlParts.parse("http:///nohost")).isNull();
    }

    @Test
    void endpointFromHostHeader() {
        assertThat(UrlParts.endpoint("Shop.example:8443", "https")).isEqualTo("shop.example:8443");
        assertThat(UrlParts.endpoint("shop.example", "https")).isEqualTo("shop.example:443");
        assertThat(UrlParts.endpoint("[::1]", "http")).isEqualTo("[::1]:80");
        assertThat(UrlParts.endpoint(null, "http")).isNull();
    }
}
