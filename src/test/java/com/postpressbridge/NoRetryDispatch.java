package com.postpressbridge;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Records put in the retry folder stay there during the test: the retry route scans once an hour. */
public class NoRetryDispatch implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("outreach.retry.scan-interval", "1h");
    }
}
