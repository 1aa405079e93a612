package com.postpressbridge.callback;

import java.util.concurrent.ExecutorService;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;

import com.postpressbridge.config.OutreachConfig;

/** The threads that deliver callbacks ({@code outreach.callback.concurrency}), apart from those that send chats. */
public class CallbackPool {

    @Produces
    @Singleton
    @Named("callbackPool")
    ExecutorService callbackPool(CamelContext camel, OutreachConfig config) {
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("callback")
                .poolSize(config.callback().concurrency())
                .maxPoolSize(config.callback().concurrency())
                .maxQueueSize(1000)
                .build();
        return camel.getExecutorServiceManager().newThreadPool(this, "callback", profile);
    }
}
