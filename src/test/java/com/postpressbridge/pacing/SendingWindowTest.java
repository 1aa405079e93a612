package com.postpressbridge.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SendingWindowTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    @ParameterizedTest(name = "{0} at {1} opens {2}")
    @CsvSource({
            // 2026-11-26 is a Thursday
            "Mon-Fri 08:30-18:30, 2026-11-26T10:00:00Z, 2026-11-26T10:00:00Z",
            "Mon-Fri 08:30-18:30, 2026-11-26T07:00:00Z, 2026-11-26T08:30:00Z",
            "Mon-Fri 08:30-18:30, 2026-11-26T18:30:00Z, 2026-11-27T08:30:00Z",
            "Mon-Fri 08:30-18:30, 2026-11-27T19:00:00Z, 2026-11-30T08:30:00Z",
            "Mon-Fri 08:30-18:30, 2026-11-28T12:00:00Z, 2026-11-30T08:30:00Z",
            "'Mon,Wed,Fri 09:00-12:00', 2026-11-26T10:00:00Z, 2026-11-27T09:00:00Z",
            "Sat-Mon 9:00-17:00, 2026-11-26T10:00:00Z, 2026-11-28T09:00:00Z",
            "09:00-17:00, 2026-11-28T17:00:00Z, 2026-11-29T09:00:00Z",
            "Fri 18:00-24:00, 2026-11-27T23:59:00Z, 2026-11-27T23:59:00Z",
            "Fri 18:00-24:00, 2026-11-28T00:00:00Z, 2026-12-04T18:00:00Z",
            "always, 2026-11-28T03:00:00Z, 2026-11-28T03:00:00Z",
    })
    void nextOpen(String window, Instant at, Instant opens) {
        assertEquals(opens, SendingWindow.parse(window).nextOpen(at, UTC));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
            // Berlin: 08:30 local is 07:30Z in winter, 06:30Z in summer
            "Europe/Berlin, 2026-11-26T07:00:00Z, 2026-11-26T07:30:00Z",
            "Europe/Berlin, 2026-07-02T06:00:00Z, 2026-07-02T06:30:00Z",
            // New York, Friday 18:45 local = 23:45Z: the next opening is Monday 08:30 local = 13:30Z
            "America/New_York, 2026-11-27T23:45:00Z, 2026-11-30T13:30:00Z",
            // ... but at 18:00 local (23:00Z, Saturday in UTC) the window is still open
            "America/New_York, 2026-11-27T23:00:00Z, 2026-11-27T23:00:00Z",
    })
    void opensInTheAccountsZone(String zone, Instant at, Instant opens) {
        assertEquals(opens, SendingWindow.parse("Mon-Fri 08:30-18:30").nextOpen(at, ZoneId.of(zone)));
    }

    @org.junit.jupiter.api.Test
    void aWindowThatOpensInADaylightSavingGapOpensWhenTheClockJumps() {
        // 2026-03-29 in Berlin: 02:00 becomes 03:00; a window opening at 02:30 opens at 03:30 CEST = 01:30Z
        SendingWindow window = SendingWindow.parse("Sun 02:30-05:00");
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"),
                window.nextOpen(Instant.parse("2026-03-29T00:00:00Z"), ZoneId.of("Europe/Berlin")));
        assertTrue(window.isOpen(Instant.parse("2026-03-29T02:00:00Z"), ZoneId.of("Europe/Berlin")));
        assertFalse(window.isOpen(Instant.parse("2026-03-29T03:00:00Z"), ZoneId.of("Europe/Berlin")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "Mon-Fri 18:30-08:30 | close after it opens",
            "Mon-Fri | is not a time of day",
            "Funday 09:00-10:00 | is not a day",
            "Mon-Fri 9h-10h | is not a time of day",
            "'' | expected days and hours",
            "Mon Tue 09:00-10:00 | expected days and hours",
    })
    void aBadWindowSaysWhatIsWrong(String window, String says) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SendingWindow.parse(window));
        assertTrue(e.getMessage().contains(says) && e.getMessage().startsWith("outreach.pacing.window"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void readsBackAsWritten() {
        assertEquals("Mon,Tue,Wed,Thu,Fri 08:30-18:30", SendingWindow.parse("mon-fri 08:30-18:30").toString());
        assertEquals("always", SendingWindow.parse("ALWAYS").toString());
        assertEquals("Sat 18:00-24:00", SendingWindow.parse("Sat 18:00-24:00").toString());
    }
}
