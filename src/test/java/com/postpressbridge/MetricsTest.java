package com.postpressbridge;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code /q/metrics} after a run: the records by outcome, the errors, the requests and the webhook answers moved. */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class MetricsTest {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @PostpressStub.Server
    WireMockServer postpress;

    @Test
    void aRunShowsInThePrometheusMetrics() {
        PostpressStub.answerCreated(postpress);
        postpress.stubFor(PostpressStub.forAttendee("metric-bad").willReturn(PostpressStub.error(422,
                "errors/invalid_recipient")));
        String before = scrape();
        TestFolders.drop("metrics.csv", "account_id,attendees_ids,text\nacc_m,metric-ok,Hi\nacc_m,metric-bad,Hi\n");
        assertEquals(1, TestFolders.awaitSummary("metrics.csv").get("quarantined").asInt());
        // No webhook secret in this profile: every delivery is refused with 503.
        given().contentType("application/json").body("{}").post("/webhooks/outreach").then().statusCode(503);
        String after = scrape();

        assertEquals(1, delta(before, after, "outreach_records_total", Map.of("outcome", "sent", "source", "file")));
        assertEquals(1, delta(before, after, "outreach_records_total", Map.of("outcome", "quarantined", "source",
                "file")));
        assertEquals(1, delta(before, after, "outreach_quarantined_total", Map.of("type", "errors/invalid_recipient")));
        assertEquals(1, delta(before, after, "postpress_requests_seconds_count", Map.of("answer", "2xx")));
        assertEquals(1, delta(before, after, "postpress_requests_seconds_count", Map.of("answer", "4xx")));
        assertTrue(value(after, "postpress_requests_seconds_bucket", Map.of("answer", "2xx")) > 0, "a histogram");
        assertEquals(1, delta(before, after, "outreach_webhook_deliveries_total", Map.of("status", "503")));
        for (String gauge : new String[] { "outreach_retry_backlog", "outreach_retry_next_due_seconds", "outreach_queued",
                "outreach_in_quarantine", "outreach_held_scopes", "outreach_requests_in_flight",
                "outreach_files_in_progress" }) {
            assertTrue(after.lines().anyMatch(line -> line.startsWith(gauge + " ") || line.startsWith(gauge + "{")),
                    gauge + " in " + after);
        }
        assertTrue(value(after, "outreach_in_quarantine", Map.of()) >= 1, "read from the ledger");
        assertTrue(!after.contains("pp_test_5ecret_never_logged"), "no secret in the metrics");
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double delta(String before, String after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sum of a metric's samples whose labels include these (0 when there is none). */
    static double value(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            int open = line.indexOf('{');
            int close = line.lastIndexOf('}');
            if (open > 0) {
                Matcher label = LABEL.matcher(line.substring(open, close));
                while (label.find()) {
                    found.put(label.group(1), label.group(2));
                }
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                sum += Double.parseDouble(line.substring((open > 0 ? close : name.length()) + 1).trim().split(" ")[0]);
            }
        }
        return sum;
    }
}
