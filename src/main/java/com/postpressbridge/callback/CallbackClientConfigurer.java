package com.postpressbridge.callback;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.postpress.PostpressClientConfigurer;

/**
 * The HTTP client of the callbacks: its own (the postpress client's API key header is never on it), with the
 * callback timeout, no retries of its own (the ledger retries), no redirects followed, no cookies.
 */
@ApplicationScoped
@Named("callbackClient")
public class CallbackClientConfigurer implements HttpClientConfigurer {

    private final OutreachConfig config;

    public CallbackClientConfigurer(OutreachConfig config) {
        this.config = config;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder client) {
        PostpressClientConfigurer.plain(client, config.callback().timeout());
    }
}
