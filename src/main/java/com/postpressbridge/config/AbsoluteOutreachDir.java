package com.postpressbridge.config;

import java.nio.file.Path;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * {@code outreach.dir} is resolved against the working directory once, at start-up: every path made of it (the
 * folders, the attachments, the H2 ledger, which refuses a path like {@code data/outreach}) is absolute.
 */
// Inside the expression interceptor (LIBRARY + 300), so that ${outreach.dir} in other properties is absolute too;
// outside the profile interceptor (LIBRARY + 200), so that %dev.outreach.dir and friends are already resolved.
@Priority(Priorities.LIBRARY + 275)
public class AbsoluteOutreachDir implements ConfigSourceInterceptor {

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if ("outreach.dir".equals(name) && value != null && value.getValue() != null && !value.getValue().isBlank()) {
            return value.withValue(Path.of(value.getValue()).toAbsolutePath().normalize().toString());
        }
        return value;
    }
}
