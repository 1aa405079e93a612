package com.postpressbridge.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * While {@code postpress.sandbox=true}, {@code postpress.base-url} is {@code postpress.sandbox-url}: the
 * {@code send-chat} route posts to the built-in sandbox without knowing about it. And the base URL is read
 * {@link SettingValues#normalized} by everyone (the route's {@code {{postpress.base-url}}} does not go through the
 * settings' converter).
 */
@Priority(Priorities.APPLICATION + 100)
public class SandboxBaseUrl implements ConfigSourceInterceptor {

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if ("postpress.base-url".equals(name)) {
            ConfigValue sandbox = context.proceed("postpress.sandbox");
            // read as postpress.sandbox itself is: "true " (an env file's trailing space) made the sandbox on and
            // the requests go to postpress (a review)
            if (sandbox != null && sandbox.getValue() != null
                    && Boolean.TRUE.equals(SettingValues.StrictBoolean.read(sandbox.getValue()))) {
                ConfigValue url = context.proceed("postpress.sandbox-url");
                if (url != null) {
                    return normalized(url.withName(name));
                }
            }
            return normalized(context.proceed(name));
        }
        return context.proceed(name);
    }

    private static ConfigValue normalized(ConfigValue url) {
        return url == null || url.getValue() == null ? url : url.withValue(SettingValues.normalized(url.getValue()));
    }
}
