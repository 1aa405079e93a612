package com.postpressbridge.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.SendingPacedException;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** The pacing step around its policy: what it does when the ledger fails, and the settings it is made from. */
class PacingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    /** 80 a day, 200 a week, 90 s apart, always, in UTC; per-account overrides as given. */
    private static OutreachConfig.Pacing settings(Map<String, OutreachConfig.AccountPacing> accounts, String window) {
        return new OutreachConfig.Pacing() {
            public Optional<Boolean> enabled() {
                return Optional.empty();
            }

            public int perDay() {
                return 80;
            }

            public int perWeek() {
                return 200;
            }

            public Duration minInterval() {
                return Duration.ofSeconds(90);
            }

            public double jitter() {
                return 0.5;
            }

            public String window() {
                return window;
            }

            public String timezone() {
                return "UTC";
            }

            public Map<String, OutreachConfig.AccountPacing> accounts() {
                return accounts;
            }
        };
    }

    /** One account's own settings: these three, the rest from the defaults. */
    private static OutreachConfig.AccountPacing override(Optional<Integer> perDay, Optional<String> window,
            Optional<String> timezone) {
        return new OutreachConfig.AccountPacing() {
            public Optional<Integer> perDay() {
                return perDay;
            }

            public Optional<Integer> perWeek() {
                return Optional.empty();
            }

            public Optional<Duration> minInterval() {
                return Optional.empty();
            }

            public Optional<Double> jitter() {
                return Optional.empty();
            }

            public Optional<String> window() {
                return window;
            }

            public Optional<String> timezone() {
                return timezone;
            }
        };
    }

    private static OutreachItem item(String account, FileRun run) throws Exception {
        return OutreachItem.of(RecordSource.fileLine("p.csv", 2), JSON.readTree("{\"account_id\":\"" + account + "\"}"),
                run);
    }

    @Test
    void aRecordWhoseAccountsPaceCannotBeReadWaitsAndDoesNotGo() throws Exception {
        AccountPaces down = new AccountPaces(null) {
            @Override
            public <R> R pace(String account, long order, String key, Rule<R> rule) {
                throw new Ledger.LedgerException("cannot pace account " + account, new java.sql.SQLException("down"));
            }
        };
        Pacing pacing = new Pacing(settings(Map.of(), "always"), true, down, () -> NOW, Duration.ofSeconds(93),
                Duration.ofSeconds(5));
        SendingPacedException paced = assertThrows(SendingPacedException.class, () -> pacing.admit(item("acc", null)));
        assertEquals(NOW.plusSeconds(5), paced.nextSlot());
    }

    @Test
    void anAccountsOwnSettingsOverrideTheDefaultsAndABadOneNamesTheAccount() {
        OutreachConfig.AccountPacing slow = override(Optional.of(10), Optional.of("Mon-Fri 09:00-17:00"),
                Optional.of("Europe/Berlin"));
        Pacing pacing = new Pacing(settings(Map.of("acc_slow", slow), "always"), true, null, () -> NOW,
                Duration.ofSeconds(93), Duration.ofSeconds(5));
        assertEquals("10/day, 200/week, 90s apart (+ up to 50%), Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/Berlin",
                pacing.policy("acc_slow").limits().toString());
        assertEquals("80/day, 200/week, 90s apart (+ up to 50%), always UTC", pacing.policy("acc_other").limits().toString());

        OutreachConfig.AccountPacing badZone = override(Optional.empty(), Optional.empty(), Optional.of("Mars/Olympus"));
        BadSetting e = assertThrows(BadSetting.class, () -> new Pacing(settings(Map.of(
                "acc_mars", badZone), "always"), true, null, () -> NOW, Duration.ZERO, Duration.ZERO));
        assertEquals("outreach.pacing.accounts.\"acc_mars\": outreach.pacing.timezone 'Mars/Olympus' is not a time zone;"
                + " use a name such as Europe/Berlin or America/New_York, or UTC", e.getMessage());
    }

    @Test
    void aFileKeepsItsAccountsOrderOnlyWhilePacingIsOn() throws Exception {
        FileRun unpaced = new FileRun("p.csv", 2, () -> false);
        item("acc", unpaced);
        assertEquals(0, item("acc", unpaced).unpacedAhead(), "nothing kept without pacing (a preview, pacing off)");

        FileRun paced = new FileRun("p.csv", 3, () -> false);
        new Pacing(settings(Map.of(), "always"), true, null, () -> NOW, Duration.ZERO, Duration.ZERO).keepOrder(paced);
        OutreachItem first = item("acc", paced);
        OutreachItem other = item("acc_other", paced);
        OutreachItem second = item("acc", paced);
        assertEquals(1, second.unpacedAhead());
        assertEquals(0, other.unpacedAhead(), "another account's records do not hold it up");
        first.paced();
        assertEquals(0, second.unpacedAhead());
        assertTrue(Pacing.off().describe().startsWith("pacing off"));
    }
}
