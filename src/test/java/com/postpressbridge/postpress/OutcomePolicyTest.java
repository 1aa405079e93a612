package com.postpressbridge.postpress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.postpressbridge.postpress.Decision.AlreadyPerformed;
import com.postpressbridge.postpress.Decision.Held;
import com.postpressbridge.postpress.Decision.HoldAccount;
import com.postpressbridge.postpress.Decision.InDoubt;
import com.postpressbridge.postpress.Decision.Quarantine;
import com.postpressbridge.postpress.Decision.RetryAt;
import com.postpressbridge.postpress.Decision.Sent;
import com.postpressbridge.postpress.Decision.StopAll;
import com.postpressbridge.postpress.OutcomePolicy.RecordFacts;
import com.postpressbridge.postpress.OutcomePolicy.Settings;
import com.postpressbridge.config.OutreachConfig.InDoubtPolicy;

import com.postpressbridge.record.InvalidRecordException;
import com.postpressbridge.record.OutreachError;

/**
 * {@link OutcomePolicy} as a table, without Quarkus: every error type of the contract (through the real
 * {@link ErrorClassifier}, with its envelope, an empty body and a non-JSON body), statuses and types the contract does
 * not list, any 2xx, no answer at all, held records, attempts and age running out, Retry-After in its forms, and the
 * bounds of the jitter. The settings are the defaults of application.properties; the clock is fixed, so every instant
 * is exact.
 */
public class OutcomePolicyTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    /** Retry-After as an HTTP date, 90 s after {@link #NOW}. */
    static final String IN_90_SECONDS = "Wed, 25 Nov 2026 10:01:30 GMT";
    static final Duration ACCOUNT_PAUSE = Duration.ofMinutes(30);
    static final Duration LATER = Duration.ofHours(24);
    public static final Settings DEFAULTS = new Settings(8, Duration.ofSeconds(30), Duration.ofHours(1), LATER,
            Duration.ofDays(7), ACCOUNT_PAUSE, Duration.ofSeconds(5), InDoubtPolicy.quarantine);
    static final OutcomePolicy POLICY = new OutcomePolicy(DEFAULTS);
    /** Half of the first back-off's 30 001 possible milliseconds: 15 s. */
    static final double HALF = 0.5;
    static final double ALMOST_ONE = Math.nextDown(1.0);
    /** A record read just now and tried once in this pass, claimed, its account not paused. */
    static final RecordFacts FRESH = new RecordFacts(0, 1, NOW, true, null);
    static final ErrorClassifier CLASSIFIER = new ErrorClassifier(new ObjectMapper(), (String) null);

    enum Body {
        ENVELOPE,
        EMPTY,
        NOT_JSON
    }

    /** What a routing of postpress-api.md does to a fresh record answered with it (no Retry-After, jitter 0.5). */
    static Decision expected(String routing, OutreachError error) {
        return switch (routing) {
            case "retry" -> new RetryAt(NOW.plusSeconds(15), error, 1);
            // the account rests for the initial delay; the record does not go before it
            case "retry + pause account" -> new HoldAccount(NOW.plusSeconds(30), new RetryAt(NOW.plusSeconds(30), error, 1));
            case "retry-later" -> new RetryAt(NOW.plus(LATER), error, 1);
            case "hold-account" -> new HoldAccount(NOW.plus(ACCOUNT_PAUSE), new RetryAt(NOW.plus(ACCOUNT_PAUSE), error, 1));
            case "hold-account (long delay)" -> new HoldAccount(NOW.plus(LATER), new RetryAt(NOW.plus(LATER), error, 1));
            // held, the request not counted as an attempt
            case "stop-all" -> new StopAll(NOW.plus(ACCOUNT_PAUSE), new Held(NOW.plus(ACCOUNT_PAUSE), error, 0));
            case "quarantine" -> new Quarantine(error, 1, false);
            case "success (already performed)" -> new AlreadyPerformed(1);
            default -> throw new AssertionError("unknown routing " + routing);
        };
    }

    static Stream<Arguments> everyTypeWithEveryBody() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (ContractTable.Row row : ContractTable.rows()) {
            for (Body body : Body.values()) {
                cases.add(Arguments.of(row.status(), row.type(), body,
                        body == Body.ENVELOPE ? row.routing() : ContractTable.byStatus(row.status())));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}: sent too much {2}")
    @CsvSource(nullValues = "none", value = {
            "422, errors/limit_exceeded, true",
            "429, errors/too_many_requests, true",
            "429, none, true",
            "429, errors/something_new, true",
            "422, errors/invalid_recipient, false",
            "503, errors/service_unavailable, false",
            "201, none, false",
    })
    void whichAnswersSayTheAccountSentTooMuch(int status, String type, boolean tooMuch) {
        assertEquals(tooMuch, OutcomePolicy.sentTooMuch(SendFailure.answered(new OutreachError(status, type, null, null),
                null)));
    }

    @Test
    void noAnswerSaysNothingAboutSendingTooMuch() {
        assertEquals(false, OutcomePolicy.sentTooMuch(SendFailure.maybeSent(OutreachError.local("read_timeout", "t",
                "d"))));
        assertEquals(false, OutcomePolicy.sentTooMuch(SendFailure.paced(Instant.now())));
    }

    @Test
    void theTableHasEveryTypeOfTheContract() throws IOException {
        assertEquals(79 * 3, everyTypeWithEveryBody().count());
    }

    @ParameterizedTest(name = "{0} {1} ({2}) -> {3}")
    @MethodSource("everyTypeWithEveryBody")
    void everyErrorTypeIsDecidedAsTheContractRoutesIt(int status, String type, Body body, String routing) {
        String responseBody = switch (body) {
            case ENVELOPE -> "{\"status\": " + status + ", \"type\": \"" + type + "\", \"title\": \"title of " + type
                    + "\", \"detail\": \"detail of " + type + "\"}";
            case EMPTY -> "";
            case NOT_JSON -> "<html>upstream trouble</html>";
        };
        OutreachError error = switch (body) {
            case ENVELOPE -> new OutreachError(status, type, "title of " + type, "detail of " + type);
            case EMPTY -> new OutreachError(status, null, "Status text", null);
            case NOT_JSON -> new OutreachError(status, null, "Status text", "unreadable error body: <html>upstream trouble</html>");
        };
        SendFailure failure = CLASSIFIER.classify(answer(status, responseBody, null));
        assertEquals(SendFailure.answered(error, null), failure, "what the classifier reads");
        assertEquals(expected(routing, error), POLICY.decide(FRESH, failure, NOW, HALF));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "400, errors/brand_new_validation, quarantine",
            "409, errors/conflict_of_some_kind, quarantine",
            "404,                            , quarantine",
            "418, errors/teapot              , quarantine",
            "401, errors/new_auth_problem    , hold-account",
            "403,                            , hold-account",
            "429, errors/slow_down_please    , retry",
            "429,                            , retry",
            "500, errors/new_server_trouble  , retry",
            "502,                            , retry",
            "504, errors/gateway_gone        , retry",
            "599, errors/odd                 , retry" })
    void typesAndStatusesTheContractDoesNotListGoByStatus(int status, String type, String routing) {
        OutreachError error = new OutreachError(status, type, "t", null);
        assertEquals(expected(routing, error), POLICY.decide(FRESH, SendFailure.answered(error, null), NOW, HALF));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = { 200, 201, 202, 204, 299 })
    void anyTwoHundredIsSent(int status) {
        assertEquals(new Sent(1), POLICY.decide(FRESH, SendFailure.answered(status), NOW, HALF));
        assertEquals(new Sent(5), POLICY.decide(new RecordFacts(3, 2, NOW, true, null), SendFailure.answered(status),
                NOW, HALF), "the quick re-sends count");
    }

    @Test
    void aTwoHundredIsSentWhateverElseIsTrue() {
        RecordFacts spent = new RecordFacts(100, 1, NOW.minus(Duration.ofDays(365)), true, NOW.plus(Duration.ofDays(1)));
        assertEquals(new Sent(101), POLICY.decide(spent, SendFailure.answered(201), NOW, ALMOST_ONE),
                "attempts, age and pauses never turn a sent record into another outcome");
    }

    static Stream<Arguments> noAnswer() {
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused"), true),
                Arguments.of(new UnknownHostException("api.postpress.ai"), true),
                Arguments.of(new ConnectTimeoutException("Connect timed out"), true),
                Arguments.of(new RuntimeCamelException(new ConnectException("wrapped")), true),
                Arguments.of(new SocketTimeoutException("Read timed out"), false),
                Arguments.of(new SocketException("Connection reset"), false),
                Arguments.of(new NoHttpResponseException("The target server failed to respond"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noAnswer")
    void noAnswerIsRetriedWhenTheRequestNeverLeftElseInDoubt(Exception cause, boolean neverSent) {
        SendFailure failure = CLASSIFIER.classify(cause);
        OutreachError error = failure.error();
        assertEquals(neverSent ? "local/connection_failed" : "local/in_doubt", error.type());
        assertEquals(null, error.status());
        // Two quick re-sends made three requests: the back-off cap is 30 s doubled twice.
        RecordFacts afterBlips = new RecordFacts(0, 3, NOW, true, null);
        Decision retried = new RetryAt(NOW.plusSeconds(60), error, 3);
        assertEquals(neverSent ? retried : new InDoubt(error, 3), POLICY.decide(afterBlips, failure, NOW, HALF),
                "in-doubt=quarantine (the default)");
        OutcomePolicy retrying = new OutcomePolicy(withInDoubt(InDoubtPolicy.retry));
        assertEquals(retried, retrying.decide(afterBlips, failure, NOW, HALF), "in-doubt=retry");
    }

    @ParameterizedTest(name = "{0} attempts before, {1} now -> exhausted: {2}")
    @CsvSource({
            "0, 1, false, 15000",
            "6, 1, false, 960000", // 30 s doubled six times is 32 min: half of it
            "7, 1, true, 0",
            "6, 3, true, 0", // quick re-sends count as attempts
            "20, 1, true, 0" })
    void attemptsRunOut(int before, int tries, boolean exhausted, long waitMillis) {
        OutreachError error = new OutreachError(500, "errors/provider_error", "t", null);
        RecordFacts record = new RecordFacts(before, tries, NOW, true, null);
        int attempts = before + tries;
        assertEquals(exhausted ? new Quarantine(error, attempts, true) : new RetryAt(NOW.plusMillis(waitMillis), error, attempts),
                POLICY.decide(record, SendFailure.answered(error, null), NOW, HALF));
        OutreachError disconnected = new OutreachError(401, "errors/disconnected_account", "t", null);
        assertEquals(new HoldAccount(NOW.plus(ACCOUNT_PAUSE), exhausted ? new Quarantine(disconnected, attempts, true)
                : new RetryAt(NOW.plus(ACCOUNT_PAUSE), disconnected, attempts)),
                POLICY.decide(record, SendFailure.answered(disconnected, null), NOW, HALF),
                "an exhausted record of an unusable account is quarantined, and the account is paused all the same");
    }

    @ParameterizedTest(name = "first seen {0} before now, jitter {1} -> exhausted: {2}")
    @CsvSource({
            "P7D, 0.5, true", // the back-off (15 s) would take it past the age limit
            "PT167H59M50S, 0.5, true",
            "PT167H59M50S, 0.0, false", // jitter 0: retried now, still inside the limit
            "PT167H59M45S, 0.5, false", // exactly at the limit is not past it
            "P1D, 0.5, false" })
    void ageRunsOut(Duration age, double jitter, boolean exhausted) {
        OutreachError error = new OutreachError(503, "errors/network_down", "t", null);
        RecordFacts record = new RecordFacts(0, 1, NOW.minus(age), true, null);
        Instant next = NOW.plusMillis((long) Math.floor(jitter * 30_001));
        assertEquals(exhausted ? new Quarantine(error, 1, true) : new RetryAt(next, error, 1),
                POLICY.decide(record, SendFailure.answered(error, null), NOW, jitter));
    }

    @Test
    void aNotYetAnswerRunsOutOfAgeToo() {
        OutreachError error = new OutreachError(422, "errors/cannot_resend_yet", "t", null);
        SendFailure notYet = SendFailure.answered(error, null);
        assertEquals(new RetryAt(NOW.plus(LATER), error, 1),
                POLICY.decide(new RecordFacts(0, 1, NOW.minus(Duration.ofDays(6)), true, null), notYet, NOW, HALF));
        assertEquals(new Quarantine(error, 1, true), POLICY.decide(
                new RecordFacts(0, 1, NOW.minus(Duration.ofDays(6)).minusSeconds(1), true, null), notYet, NOW, HALF));
        assertEquals(new RetryAt(NOW.plus(LATER), error, 1),
                POLICY.decide(new RecordFacts(0, 1, null, true, null), notYet, NOW, HALF), "an unknown age never runs out");
    }

    /**
     * @param accountPause the account's pause in seconds, empty when the answer pauses none
     * @param retryIn      when the record goes again, in seconds from now
     */
    @ParameterizedTest(name = "{0} {1} Retry-After [{2}] -> account {3}, record in {4} s")
    @CsvSource(delimiter = '|', value = {
            // retry: never sooner than Retry-After, capped at max-delay (1 h); the back-off (15 s) when longer
            "500 | errors/provider_error        | 120                           |      | 120",
            "500 | errors/provider_error        | Wed, 25 Nov 2026 10:01:30 GMT |      | 90",
            "500 | errors/provider_error        |                               |      | 15",
            "500 | errors/provider_error        | 7200                          |      | 3600",
            "500 | errors/provider_error        | 3                             |      | 15",
            "500 | errors/provider_error        | soon                          |      | 15",
            "500 | errors/provider_error        | Wed, 25 Nov 2026 09:00:00 GMT |      | 15",
            "503 | errors/service_unavailable   | 120                           |      | 120",
            // 429: the account rests for Retry-After (capped) or the initial delay (30 s)
            "429 | errors/too_many_requests     | 120                           | 120  | 120",
            "429 | errors/too_many_requests     | Wed, 25 Nov 2026 10:01:30 GMT | 90   | 90",
            "429 | errors/too_many_requests     |                               | 30   | 30",
            "429 | errors/too_many_requests     | 7200                          | 3600 | 3600",
            "429 | errors/too_many_requests     | 3                             | 3    | 15",
            // retry-later: Retry-After as it is (not capped), else the long delay (24 h)
            "422 | errors/cannot_resend_yet     | 7200                          |      | 7200",
            "422 | errors/cannot_resend_yet     | Wed, 25 Nov 2026 10:01:30 GMT |      | 90",
            "422 | errors/cannot_resend_yet     |                               |      | 86400",
            "422 | errors/cannot_resend_within_24hrs | 172800                   |      | 172800",
            // hold-account: the account pause (30 min), or Retry-After (capped) when the record must wait longer
            "401 | errors/disconnected_account  | 7200                          | 1800 | 3600",
            "401 | errors/disconnected_account  | 60                            | 1800 | 1800",
            "422 | errors/limit_exceeded        | 7200                          | 86400 | 86400" })
    void retryAfterInItsForms(int status, String type, String retryAfter, Long accountPause, long retryIn) {
        OutreachError error = new OutreachError(status, type, "t", null);
        Decision record = new RetryAt(NOW.plusSeconds(retryIn), error, 1);
        assertEquals(accountPause == null ? record : new HoldAccount(NOW.plusSeconds(accountPause), record),
                POLICY.decide(FRESH, SendFailure.answered(error, retryAfter), NOW, HALF));
    }

    /** @param waitMillis the back-off with that jitter, in milliseconds */
    @ParameterizedTest(name = "attempt {0}, jitter {1} -> {2} ms")
    @CsvSource({
            "1, 0.0, 0",
            "1, 0.9999999999999999, 30000",
            "2, 0.9999999999999999, 60000",
            "3, 0.9999999999999999, 120000",
            "7, 0.9999999999999999, 1920000",
            "8, 0.9999999999999999, 3600000", // 3840 s, capped at max-delay
            "12, 0.9999999999999999, 3600000",
            "12, 0.0, 0",
            "12, 0.5, 1800000" })
    void fullJitterFromZeroToTheCap(int attempts, double jitter, long waitMillis) {
        OutcomePolicy patient = new OutcomePolicy(new Settings(100, DEFAULTS.initialDelay(), DEFAULTS.maxDelay(),
                LATER, DEFAULTS.maxAge(), ACCOUNT_PAUSE, DEFAULTS.probeWait(), InDoubtPolicy.quarantine));
        OutreachError error = new OutreachError(504, "errors/request_timeout", "t", null);
        assertEquals(new RetryAt(NOW.plusMillis(waitMillis), error, attempts), patient.decide(
                new RecordFacts(attempts - 1, 1, NOW, true, null), SendFailure.answered(error, null), NOW, jitter));
    }

    @ParameterizedTest
    @ValueSource(doubles = { -0.1, 1.0, 1.5, Double.NaN })
    void aJitterOutsideZeroToOneIsABug(double jitter) {
        assertThrows(IllegalArgumentException.class,
                () -> POLICY.decide(FRESH, SendFailure.answered(new OutreachError(500, null, "t", null), null), NOW, jitter));
    }

    @Test
    void aRetryNeverGoesBeforeItsAccountOrAllSendingIsPausedUntil() {
        OutreachError error = new OutreachError(500, "errors/unexpected_error", "t", null);
        RecordFacts paused = new RecordFacts(0, 1, NOW, true, NOW.plus(Duration.ofMinutes(10)));
        assertEquals(new RetryAt(NOW.plus(Duration.ofMinutes(10)), error, 1),
                POLICY.decide(paused, SendFailure.answered(error, null), NOW, HALF));
        OutreachError tooMany = new OutreachError(429, "errors/too_many_requests", "t", null);
        assertEquals(new HoldAccount(NOW.plusSeconds(30), new RetryAt(NOW.plus(Duration.ofMinutes(10)), tooMany, 1)),
                POLICY.decide(paused, SendFailure.answered(tooMany, null), NOW, HALF));
    }

    @Test
    void aRefusedApiKeyHoldsTheRecordUncountedAndNeverRunsOut() {
        OutreachError error = new OutreachError(401, "errors/missing_credentials", "t", null);
        RecordFacts spent = new RecordFacts(7, 1, NOW.minus(Duration.ofDays(30)), true, null);
        assertEquals(new StopAll(NOW.plus(ACCOUNT_PAUSE), new Held(NOW.plus(ACCOUNT_PAUSE), error, 7)),
                POLICY.decide(spent, SendFailure.answered(error, null), NOW, HALF));
        RecordFacts accountPausedLonger = new RecordFacts(0, 1, NOW, true, NOW.plus(Duration.ofHours(2)));
        assertEquals(new StopAll(NOW.plus(ACCOUNT_PAUSE), new Held(NOW.plus(Duration.ofHours(2)), error, 0)),
                POLICY.decide(accountPausedLonger, SendFailure.answered(error, null), NOW, HALF));
    }

    /**
     * @param pausedFor how long the pause that held it still lasts, in seconds (negative: it is over and another record
     *                  probes)
     * @param age       how long ago the record was first seen
     * @param outcome   held until (seconds from now), or "quarantine"
     */
    @ParameterizedTest(name = "held by the API key: {0}, pause {1} s, age {2} -> {3}")
    @CsvSource({
            "false, 600, PT1H, 600",
            "false, -1, PT1H, 5", // asks again at the next scan (probe-wait)
            "false, 600, P7D, quarantine", // held past the hold limit
            "false, 600, PT167H50M, 600",
            "true, 600, P7D, 600", // never for the API key
            "true, -1, P30D, 5" })
    void aHeldRecordWaitsForThePauseAndOnlyAnAccountHoldRunsOut(boolean byApiKey, long pausedFor, Duration age,
            String outcome) {
        OutreachError reason = new OutreachError(401, "errors/disconnected_account", "t", null);
        RecordFacts record = new RecordFacts(2, 1, NOW.minus(age), true, null);
        Decision expected = outcome.equals("quarantine") ? new Quarantine(reason, 2, true)
                : new Held(NOW.plusSeconds(Long.parseLong(outcome)), reason, 2);
        assertEquals(expected, POLICY.decide(record, SendFailure.held(reason, NOW.plusSeconds(pausedFor), byApiKey), NOW,
                HALF), "no request was made: attempts stay 2");
    }

    @Test
    void heldRecordsReadFromTheException() {
        OutreachError reason = new OutreachError(429, "errors/too_many_requests", "t", null);
        assertEquals(SendFailure.held(reason, NOW, true),
                CLASSIFIER.classify(new SendingHeldException(reason, NOW, true)));
    }

    @Test
    void anInvalidRecordIsQuarantinedWithoutCountingAnAttempt() {
        InvalidRecordException invalid = new InvalidRecordException("missing_field", "Missing required field", "account_id");
        assertEquals(new Quarantine(invalid.error(), 2, false),
                POLICY.decide(new RecordFacts(2, 1, NOW, true, null), CLASSIFIER.classify(invalid), NOW, HALF));
    }

    @Test
    void anUnexpectedErrorAfterTheClaimIsInDoubt() {
        SendFailure bug = CLASSIFIER.classify(new IllegalStateException("boom"));
        assertEquals("local/internal_error", bug.error().type());
        assertEquals(new InDoubt(bug.error(), 2), POLICY.decide(new RecordFacts(2, 1, NOW, true, null), bug, NOW, HALF));
        assertEquals(new Quarantine(bug.error(), 2, false),
                POLICY.decide(new RecordFacts(2, 1, NOW, false, null), bug, NOW, HALF), "before the claim, nothing left");
    }

    /** A postpress (or a proxy before it) that echoes the request's API key in its error: the key goes nowhere. */
    @Test
    void anApiKeyEchoedInAnErrorIsTakenOutOfItsText() {
        ErrorClassifier classifier = new ErrorClassifier(new ObjectMapper(), "pp_live_K3Y");
        OutreachError json = classifier.classify(answer(401, "{\"type\":\"errors/missing_credentials\",\"title\":"
                + "\"bad pp_live_K3Y\",\"detail\":\"X-API-KEY: pp_live_K3Y was refused\"}", null)).error();
        assertEquals("errors/missing_credentials", json.type());
        assertEquals("bad [redacted]", json.title());
        assertEquals("X-API-KEY: [redacted] was refused", json.detail());
        OutreachError text = classifier.classify(answer(500, "upstream said: key=pp_live_K3Y", null)).error();
        assertEquals("unreadable error body: upstream said: key=[redacted]", text.detail());
        assertEquals("X-API-KEY: pp_live_K3Y was refused", CLASSIFIER.classify(answer(401, "{\"detail\":"
                + "\"X-API-KEY: pp_live_K3Y was refused\"}", null)).error().detail(), "only the key it sends");
        // echoed percent-encoded (a proxy's request line, a form) or in another case: still the key (a fault probe)
        OutreachError echoed = classifier.classify(answer(400, "{\"title\":\"key=pp%5Flive%5FK3Y\",\"detail\":"
                + "\"KEY PP_LIVE_K3Y, %70%70%5f%6c%69%76%65%5f%4b%33%59\"}", null)).error();
        assertEquals("key=[redacted]", echoed.title());
        assertEquals("KEY [redacted], [redacted]", echoed.detail());
        // escaped as JSON does, in a body kept as text because it did not parse (a review)
        OutreachError escaped = classifier.classify(answer(502, "{\"detail\": \"pp\\u005flive\\u005FK3Y\" <html>",
                null)).error();
        assertEquals("unreadable error body: {\"detail\": \"[redacted]\" <html>", escaped.detail());
        // a key with a space, echoed form-encoded (the space as '+', the rest percent-encoded: a fault probe)
        ErrorClassifier spaced = new ErrorClassifier(new ObjectMapper(), "pp_live_K\u00e9y+/=&7 Zq");
        assertEquals("unreadable error body: key=[redacted].", spaced.classify(answer(400,
                "key=pp_live_K%C3%A9y%2B%2F%3D%267+Zq.", null)).error().detail());
    }

    private static HttpOperationFailedException answer(int status, String body, String retryAfter) {
        return new HttpOperationFailedException("http://postpress/api/v1/chats", status, "Status text", null,
                retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter), body);
    }

    private static Settings withInDoubt(InDoubtPolicy inDoubt) {
        return new Settings(DEFAULTS.maxAttempts(), DEFAULTS.initialDelay(), DEFAULTS.maxDelay(), DEFAULTS.laterDelay(),
                DEFAULTS.maxAge(), DEFAULTS.accountPause(), DEFAULTS.probeWait(), inDoubt);
    }
}
