package com.postpressbridge.callback;

import java.util.concurrent.ExecutorService;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.postpress.SendPool;

/** The threads that deliver callbacks ({@code outreach.callback.concurrency}), apart from those that send chats. */
public class CallbackPool {

    @Produces
    @Singleton
    @Named("callbackPool")
    ExecutorService callbackPool(CamelContext camel, OutreachConfig config) {
        return SendPool.fixed(camel, this, "callback", config.callback().concurrency());
    }
}
