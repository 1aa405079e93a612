package com.postpressbridge.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * While {@code postpress.sandbox=true}, {@code postpress.base-url} is {@code postpress.sandbox-url}: the
 * {@code send-chat} route posts to the built-in sandbox without knowing about it.
 */
@Priority(Priorities.APPLICATION + 100)
public class SandboxBaseUrl implements ConfigSourceInterceptor {

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if ("postpress.base-url".equals(name)) {
            ConfigValue sandbox = context.proceed("postpress.sandbox");
            if (sandbox != null && Boolean.parseBoolean(sandbox.getValue())) {
                ConfigValue url = context.proceed("postpress.sandbox-url");
                if (url != null) {
                    return url.withName(name);
                }
            }
        }
        return context.proceed(name);
    }
}
