package com.postpressbridge.config;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A setting the bridge cannot run with. The start stops, and Quarkus prints this message alone, without a stack trace
 * (it does so for a {@link ConfigurationException} that is the root cause): the message names the setting, what is
 * wrong with it and what to set, and so must never carry a secret's value.
 */
public class BadSetting extends ConfigurationException {

    public BadSetting(String message) {
        super(message);
    }
}
