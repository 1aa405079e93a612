package com.postpressbridge.postpress;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;

import com.postpressbridge.config.PostpressConfig;

/**
 * The HTTP client of the {@code send-chat} endpoint. The API key is a default header of the client, so it never
 * travels in a Camel message (where logs, traces and error dumps could show it). HttpClient's own retries are off:
 * it would re-send a POST by itself, and block a thread for as long as a Retry-After asks.
 */
@ApplicationScoped
@Named("postpressClient")
public class PostpressClientConfigurer implements HttpClientConfigurer {

    static final String SANDBOX_KEY = "sandbox";

    private final PostpressConfig config;

    public PostpressClientConfigurer(PostpressConfig config) {
        this.config = config;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder client) {
        String key = config.apiKey().filter(k -> !k.isBlank()).orElse(SANDBOX_KEY);
        plain(client, config.timeout()).setDefaultHeaders(List.of(new BasicHeader("X-API-KEY", key),
                new BasicHeader("Accept", "application/json")));
    }

    /**
     * A client that does only what it is asked: no retries of its own, no redirects followed, no cookies, no
     * compressed answers asked for (they are small JSON), and the timeout for connecting, for the answer and for a
     * pooled connection.
     */
    @SuppressWarnings("deprecation") // the connect timeout of a request: Camel builds the connection manager
    public static HttpClientBuilder plain(HttpClientBuilder client, Duration timeout) {
        Timeout each = Timeout.of(timeout);
        return client.disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(each)
                        .setResponseTimeout(each)
                        .setConnectionRequestTimeout(each)
                        .build());
    }
}
