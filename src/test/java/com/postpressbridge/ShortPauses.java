package com.postpressbridge;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Account pauses of six seconds and three attempts at most, to watch pauses end and retries run out. Six: what a test
 * checks while a pause lasts (a second file read, its summary, the readiness) fits in it on a loaded machine too.
 */
public class ShortPauses implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("outreach.account-pause", "6s", "outreach.retry.max-attempts", "3");
    }
}
