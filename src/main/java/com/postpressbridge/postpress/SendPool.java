package com.postpressbridge.postpress;

import java.util.concurrent.ExecutorService;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;

import com.postpressbridge.config.OutreachConfig;

/**
 * The threads that send: {@code outreach.concurrency} of them, shared by the inbox and the retry folder, so that
 * no more than that many requests are ever in flight.
 */
public class SendPool {

    @Produces
    @Singleton
    @Named("sendPool")
    ExecutorService sendPool(CamelContext camel, OutreachConfig config) {
        return fixed(camel, this, "send", config.concurrency());
    }

    /** A pool of Camel's of exactly {@code threads} threads, for a parallel split. */
    public static ExecutorService fixed(CamelContext camel, Object owner, String name, int threads) {
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder(name)
                .poolSize(threads)
                .maxPoolSize(threads)
                // Each split keeps about one task per thread queued (it hands out the next item when a thread
                // takes one); the bound only keeps a SynchronousQueue (and its spinning) away.
                .maxQueueSize(1000)
                .build();
        return camel.getExecutorServiceManager().newThreadPool(owner, name, profile);
    }
}
