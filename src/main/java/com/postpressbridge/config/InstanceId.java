package com.postpressbridge.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * {@code outreach.instance.id}, when not set, is the host's name: a Kubernetes pod's name, which a restarted container
 * keeps (so that it takes back what it held before a crash at once) and a replica never shares with another.
 */
@Priority(Priorities.APPLICATION + 100)
public class InstanceId implements ConfigSourceInterceptor {

    static final String NAME = "outreach.instance.id";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (NAME.equals(name) && (value == null || value.getValue() == null || value.getValue().isBlank())) {
            return ConfigValue.builder().withName(name).withValue(hostName())
                    .withConfigSourceName(InstanceId.class.getSimpleName() + " (the host name)").build();
        }
        return value;
    }

    static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "postpress-bridge";
            }
        }
        return host.length() > 200 ? host.substring(0, 200) : host;
    }
}
