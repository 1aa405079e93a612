package com.postpressbridge;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Account pauses of three seconds and three attempts at most, to watch pauses end and retries run out. */
public class ShortPauses implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("outreach.account-pause", "3s", "outreach.retry.max-attempts", "3");
    }
}
