package com.postpressbridge.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A count of requests in flight: a whole number of 1 or more. Refused as the settings are read, so the start stops with
 * the setting's name and this message, before anything is built from it.
 */
public class AtLeastOne implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        // SmallRye puts this after the setting's name and value
        throw new IllegalArgumentException("- requests in flight at once: a whole number of 1 or more");
    }
}
