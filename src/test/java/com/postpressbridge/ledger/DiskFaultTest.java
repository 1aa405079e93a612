package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * While sending is stopped, a new line says so only when the reason changes, not when only its figures do (a disk
 * filling up said "still stopped" every second, with one MB less each time).
 */
class DiskFaultTest {

    @Test
    void aReasonThatChangesInItsFiguresOnlyIsTheSameReason() {
        assertTrue(DiskFault.sameBut("the disk is full: 3 MB free for /o (outreach.disk.min-free is 16 MB)",
                "the disk is full: 0 MB free for /o (outreach.disk.min-free is 16 MB)"));
        assertFalse(DiskFault.sameBut("the disk is full: 3 MB free for /o (outreach.disk.min-free is 16 MB)",
                "cannot write success/: No space left on device"));
    }
}
