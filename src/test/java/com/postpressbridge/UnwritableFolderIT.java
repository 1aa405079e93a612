package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * An outcome folder made read-only under the running app, for real (chmod 555; the app runs without the capabilities
 * that let root write anyway): readiness goes DOWN naming the folder, before any write fails there, and nothing is
 * sent meanwhile; once the folder is writable again the app goes on by itself and sends the file that waited.
 */
class UnwritableFolderIT extends AgainstOwnPostpress {

    /**
     * A disk with less room than {@code outreach.disk.min-free} (here: a minimum far above any disk) makes readiness
     * DOWN within seconds of the start, while nothing comes in. It said UP until the first record's claim met the
     * shortage.
     */
    @Test
    void aDiskShortOfRoomIsSaidByReadinessBeforeAnyRecordComes() throws Exception {
        Path dir = work.resolve("outreach");
        int port = PackagedApp.freePort();
        try (PackagedApp app = PackagedApp.start(dir, env(port, "OUTREACH_DISK_MIN_FREE", "1000000T"), "short")) {
            HttpResponse<String> down = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> PackagedApp.readiness(port), answer -> answer.statusCode() == 503);
            String reason = PackagedApp.check(down, "disk").path("data").path("reason").asText();
            assertTrue(reason.contains("the disk is full: "), down.body());
            assertTrue(reason.contains("outreach.disk.min-free is"), down.body());
            assertEquals(503, PackagedApp.readiness(port).statusCode());
            // said once by the bridge, not again with the whole health answer at each probe
            assertEquals(1, app.log().split("sending stops: the disk is full", -1).length - 1, app.log());
            assertFalse(app.log().contains("Reporting health down status"), app.log());
        }
    }

    @Test
    void aFolderTheAppMayNotWriteStopsSendingAndReadinessNamesIt() throws Exception {
        Path dir = work.resolve("outreach");
        int port = PackagedApp.freePort();
        try (PackagedApp app = PackagedApp.startBoundByPermissions(dir, env(port), "unwritable")) {
            PackagedApp.awaitReady(port);
            Path success = dir.resolve("success");
            Files.setPosixFilePermissions(success, PosixFilePermissions.fromString("r-xr-xr-x"));

            HttpResponse<String> down = await().atMost(Duration.ofSeconds(10))
                    .until(() -> PackagedApp.readiness(port), answer -> answer.statusCode() == 503);
            String reason = PackagedApp.check(down, "disk").path("data").path("reason").asText();
            assertTrue(reason.contains(success + " is not writable"), down.body());

            TestFolders.dropLeads(dir, "waits.csv", "acc_w", 1, "waiting-", 2);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> PostpressStub.chatRequests(postpress).isEmpty());
            assertTrue(Files.exists(dir.resolve("inbox/waits.csv")), "the file waits in the inbox");

            Files.setPosixFilePermissions(success, PosixFilePermissions.fromString("rwxr-xr-x"));
            await().atMost(Duration.ofSeconds(10)).until(() -> PackagedApp.readiness(port).statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir.resolve("inbox/waits.csv")));
            assertEquals(Map.of("waiting-0", 1, "waiting-1", 1), PostpressStub.postsByAttendee(postpress));
            assertTrue(app.log().contains("is not writable by the bridge"), app.log());
        }
    }
}
