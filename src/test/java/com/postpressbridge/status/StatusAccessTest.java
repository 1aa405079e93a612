package com.postpressbridge.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who may read {@code /status}: the decision as a table. */
class StatusAccessTest {

    private static final Optional<String> TOKEN = Optional.of("s3cret-status");

    @ParameterizedTest(name = "{0} asking for {1}, local={2}, token set={3}, Authorization \"{4}\" -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // from this machine, naming it: allowed without a token, unless local access is off
            "127.0.0.1         | localhost:8080      | true  | false | -                     | true",
            "127.0.0.1         | 127.0.0.1:8080      | true  | false | -                     | true",
            "::1               | [::1]:8080          | true  | false | -                     | true",
            "0:0:0:0:0:0:0:1   | localhost           | true  | false | -                     | true",
            "127.0.0.1         | localhost:8080      | false | true  | -                     | false",
            "127.0.0.1         | localhost:8080      | false | true  | Bearer s3cret-status  | true",
            // from this machine, but for a name of someone else's pointing at 127.0.0.1 (DNS rebinding): a token
            "127.0.0.1         | evil.example:8080   | true  | false | -                     | false",
            "127.0.0.1         | -                   | true  | false | -                     | false",
            "127.0.0.1         | evil.example:8080   | true  | true  | Bearer s3cret-status  | true",
            // from elsewhere: only with the token, and only when one is set
            "10.1.2.3          | bridge:8080         | true  | false | -                     | false",
            "10.1.2.3          | localhost:8080      | true  | false | -                     | false",
            "10.1.2.3          | bridge:8080         | true  | false | Bearer                | false",
            "10.1.2.3          | bridge:8080         | true  | true  | -                     | false",
            "10.1.2.3          | bridge:8080         | true  | true  | Bearer wrong          | false",
            "10.1.2.3          | bridge:8080         | true  | true  | Bearer s3cret-status2 | false",
            "10.1.2.3          | bridge:8080         | true  | true  | Basic s3cret-status   | false",
            "10.1.2.3          | bridge:8080         | true  | true  | Bearer s3cret-status  | true",
            "2001:db8::7       | bridge              | true  | true  | Bearer s3cret-status  | true",
            "2001:db8::7       | bridge              | true  | false | Bearer s3cret-status  | false",
            // no peer address (a closed connection), or one that is not an address (never looked up)
            "-                 | localhost           | true  | false | -                     | false",
            "localhost.example | localhost           | true  | false | -                     | false",
    })
    void aRequestReadsTheStatusFromThisMachineOrWithTheToken(String remote, String host, boolean local,
            boolean tokenSet, String authorization, boolean allowed) {
        assertEquals(allowed, StatusAccess.allowed(remote, host, local, authorization,
                tokenSet ? TOKEN : Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource({ "true,true", "true,false", "false,true", "false,false" })
    void aRefusalSaysHowToGetInWithoutTellingTheToken(boolean local, boolean tokenSet) {
        String refusal = StatusAccess.refusalText(local, tokenSet);
        assertTrue(refusal.contains("OUTREACH_STATUS_TOKEN"), refusal);
        assertEquals(local, refusal.contains("port-forward"), refusal);
        assertFalse(refusal.contains("s3cret"), refusal);
    }

    @ParameterizedTest
    @CsvSource({
            "local/missing_variable, false, false, /help.html#invalid-record",
            "errors/invalid_recipient, false, false, /help.html#refused-by-postpress",
            "errors/too_many_requests, false, true, /help.html#retries-ran-out",
            "local/connection_failed, false, true, /help.html#retries-ran-out",
            "local/in_doubt, false, false, /help.html#in-doubt",
            "local/cancelled, false, false, /help.html#cancelled",
            "local/not_utf8, true, false, /help.html#unreadable-file",
    })
    void eachQuarantinedRecordLinksToWhatToDoAboutIt(String type, boolean wholeFile, boolean exhausted, String link) {
        assertEquals(link, WhatToDo.link(type, wholeFile, exhausted));
    }
}
