package com.postpressbridge;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The page at {@code /} in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; paths by
 * {@code -Dtest.chromium} and {@code -Dtest.chromedriver}), loaded while a file is being sent: what it shows of the
 * file in progress matches {@code /status}; it refreshes by itself until the file is finished; a quarantined record
 * links to what to do about it.
 */
@QuarkusTest
@TestProfile(StatusPageBrowserTest.SlowAnswers.class)
@QuarkusTestResource(PostpressStub.class)
class StatusPageBrowserTest {

    /** postpress answers some records after seconds: the client waits for them rather than call them in doubt. */
    public static class SlowAnswers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("postpress.timeout", "60s");
        }
    }

    private static final List<String> COUNTS = List.of("records", "read", "sent", "already_performed", "retry",
            "quarantined", "duplicates");
    /** The last records of the file are answered this late: the file stays in progress meanwhile. */
    private static final int SLOW_MILLIS = 12_000;

    private static ChromeDriver browser;

    @PostpressStub.Server
    WireMockServer postpress;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeAll
    static void openBrowser() {
        String chromium = System.getProperty("test.chromium", "/usr/bin/chromium");
        String driver = System.getProperty("test.chromedriver", "/usr/bin/chromedriver");
        for (String needed : List.of(chromium, driver)) {
            assertTrue(Files.isExecutable(Path.of(needed)), needed + " is missing: install Debian's chromium and"
                    + " chromium-driver (bin/test does), or give their paths as -Dtest.chromium and -Dtest.chromedriver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(chromium)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).build(),
                options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePageShowsTheFileInProgressAsStatusDoesAndThenItsSummary() throws Exception {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
        postpress.stubFor(PostpressStub.forAttendee("page-refused")
                .willReturn(PostpressStub.error(422, "errors/invalid_recipient")));
        StringBuilder csv = new StringBuilder("account_id,attendees_ids,text\n");
        for (int i = 1; i <= 6; i++) {
            csv.append("acc_page,page-fast-").append(i).append(",Hi\n");
        }
        csv.append("acc_page,page-refused,Hi\n");
        for (int i = 1; i <= 4; i++) { // outreach.concurrency: all four in flight at once, the rest decided
            postpress.stubFor(PostpressStub.forAttendee("page-slow-" + i)
                    .willReturn(PostpressStub.created().withFixedDelay(SLOW_MILLIS)));
            csv.append("acc_page,page-slow-").append(i).append(",Hi\n");
        }
        browser.get("http://localhost:" + port + "/");
        TestFolders.drop("page.csv", csv.toString());

        // While the four slow records are on their way, the page shows 7 of 11 records decided.
        Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> shownRow("in-progress", "page.csv"),
                shown -> shown != null && "6".equals(shown.get("sent")) && "1".equals(shown.get("quarantined")));
        JsonNode status = status();
        JsonNode file = StreamSupport.stream(status.path("files").path("in_progress").spliterator(), false)
                .filter(f -> "page.csv".equals(f.path("file").asText())).findFirst().orElse(null);
        assertNotNull(file, "/status has the file in progress too: " + status);
        for (String count : COUNTS) {
            assertEquals(file.path(count).asText(), row.get(count), count + " on the page and in /status");
        }
        assertEquals(11, file.path("records").asInt());
        assertEquals(11, file.path("read").asInt());
        assertEquals(7, file.path("done").asInt());
        assertEquals(file.path("done").asText(), row.get("bar_value"), "the progress bar");
        assertEquals(file.path("records").asText(), row.get("bar_max"), "the progress bar");
        assertEquals(4, status.path("retry").path("in_flight").asInt(), status.toString());
        assertEquals(status.path("retry").path("in_flight").asText(), browser.findElement(By.id("in-flight")).getText());
        assertEquals("yes", browser.findElement(By.id("sending")).getText());

        // Without a reload, the page moves the file to the finished ones once its last records are answered.
        Map<String, Object> done = await().atMost(Duration.ofSeconds(30)).until(() -> shownRow("recent", "page.csv"),
                shown -> shown != null);
        JsonNode summary = status().path("files").path("recent").get(0);
        assertEquals("page.csv", summary.path("file").asText());
        for (String count : COUNTS.subList(2, COUNTS.size())) {
            assertEquals(summary.path(count).asText(), done.get(count), count + " of the finished file");
        }
        assertEquals("10", done.get("sent"));
        // The summary is written just before the file is let go of: it leaves "in progress" at the next refresh.
        await().atMost(Duration.ofSeconds(10)).until(() -> shownRow("in-progress", "page.csv") == null);

        // The quarantined record says what went wrong and links to what to do about it.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            WebElement refused = browser.findElements(By.cssSelector("#quarantine tbody tr")).stream()
                    .filter(r -> "errors/invalid_recipient".equals(field(r, "type"))).findFirst().orElseThrow();
            assertTrue(field(refused, "record").startsWith("page.csv:"), field(refused, "record"));
            refused.findElement(By.linkText("what to do")).click();
            return browser.getCurrentUrl().endsWith("/help.html#refused-by-postpress");
        });
        assertTrue(browser.findElement(By.id("refused-by-postpress")).getText().contains("postpress refused"));
    }

    /**
     * The cells of a file's row in one of the page's tables, read in one script: the page re-renders its tables at
     * each refresh, and a script runs between two renders.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> shownRow(String table, String file) {
        return (Map<String, Object>) browser.executeScript("""
                const row = [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]
                    .find(r => r.dataset.file === arguments[1]);
                if (!row) return null;
                const shown = {};
                row.querySelectorAll('td[data-field]').forEach(td => shown[td.dataset.field] = td.textContent);
                const bar = row.querySelector('progress');
                if (bar) { shown.bar_value = String(bar.value); shown.bar_max = String(bar.max); }
                return shown;""", table, file);
    }

    private static String field(WebElement row, String name) {
        return row.findElement(By.cssSelector("td[data-field='" + name + "']")).getText();
    }

    private static JsonNode status() throws Exception {
        return TestFolders.JSON.readTree(given().get("/status").then().statusCode(200).extract().asString());
    }
}
