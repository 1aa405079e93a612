package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** PostgreSQL only (the embedded ledger takes one process at a time): a preview beside a running bridge. */
class PreviewBesideBridgeIT extends AgainstOwnPostpress {

    /**
     * On PostgreSQL a preview runs beside the bridge, and may even share its instance id (the host name, by default):
     * it must leave the bridge's own row alone, or the bridge stops at its next heartbeat, taken for dead.
     */
    @Test
    void aPreviewBesideARunningBridgeLeavesItAlone() throws Exception {
        Path dir = work.resolve("outreach");
        int port = PackagedApp.freePort();
        try (PackagedApp app = PackagedApp.start(dir, env(port, "OUTREACH_INSTANCE_ID", "shared-id"), "beside")) {
            PackagedApp.awaitReady(port);
            Path file = Files.writeString(work.resolve("some.csv"), "account_id,attendees_ids,text\nacc,p-1,Hi\n");
            Process preview = PreviewIT.preview(dir, List.of(file.toString()), Map.of("OUTREACH_INSTANCE_ID", "shared-id"));
            assertTrue(preview.waitFor(90, TimeUnit.SECONDS), "the preview ends by itself");
            String output = new String(preview.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, preview.exitValue(), output);
            // Three heartbeats later (outreach.instance.heartbeat is 2 s) the bridge still runs and is ready.
            Thread.sleep(6_000);
            assertTrue(app.isAlive(), "the bridge runs on: " + app.log());
            assertEquals(200, PackagedApp.readiness(port).statusCode());
            assertTrue(TestLedger.dump(dir).contains("shared-id"), "its row is there");
        }
        assertEquals(List.of(), PostpressStub.chatRequests(postpress), "nothing sent");
    }
}
