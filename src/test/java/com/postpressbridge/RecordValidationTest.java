package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.chat.ChatRequestMapper;
import com.postpressbridge.record.ChatRequest;
import com.postpressbridge.record.FormPart;
import com.postpressbridge.record.InvalidRecordException;

/** Local validation: every way a record is refused before any request, with the type and the field named. */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class RecordValidationTest {

    @Inject
    ChatRequestMapper mapper;

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("[1, 2]", "local/invalid_record", "JSON object"),
                Arguments.of("{\"attendees_ids\": [\"a\"], \"text\": \"t\"}", "local/missing_field", "account_id"),
                Arguments.of("{\"account_id\": \"  \", \"attendees_ids\": [\"a\"], \"text\": \"t\"}", "local/missing_field",
                        "account_id"),
                Arguments.of("{\"account_id\": \"acc\", \"text\": \"t\"}", "local/missing_field", "attendees_ids"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [], \"text\": \"t\"}", "local/missing_field",
                        "attendees_ids"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"]}", "local/nothing_to_send", "text"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"   \"}",
                        "local/nothing_to_send", "attachments"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"txt\": \"t\"}", "local/unknown_field",
                        "txt"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"{{a}} {{a}}\", \"variables\":"
                        + " {\"a\": \"" + "x".repeat(60_000) + "\"}}", "local/too_large",
                        "text is 120,001 characters long"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"subject\": \"{{s}}\","
                        + " \"variables\": {\"s\": \"" + "s".repeat(2_000) + "\"}}", "local/too_large", "subject is 2,000"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"linkedin\": "
                        + "{\"api\": \"premium\"}}", "local/invalid_value", "linkedin[api]"),
                Arguments.of(classic("\"topic\": \"sales\""), "local/invalid_value", "linkedin[topic]"),
                Arguments.of(classic("\"inmail\": \"yes\""), "local/invalid_value", "linkedin[inmail]"),
                Arguments.of(classic("\"signature\": \"Grace\""), "local/option_not_allowed", "linkedin[signature]"),
                Arguments.of(classic("\"inmial\": true"), "local/unknown_field", "linkedin[inmial]"),
                Arguments.of(recruiter("\"inmail\": true"), "local/option_not_allowed", "linkedin[inmail]"),
                Arguments.of(recruiter("\"sourcing_channel\": \"referral\""), "local/invalid_value", "sourcing_channel"),
                Arguments.of(recruiter("\"visibility\": \"SECRET\""), "local/invalid_value", "linkedin[visibility]"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"linkedin\": "
                        + "{\"api\": \"sales_navigator\", \"topic\": \"support\"}}", "local/option_not_allowed",
                        "linkedin[topic]"),
                Arguments.of(recruiter(followUp("\"text\": \"t\", \"scheduled_time\": {\"days\": 1, \"timezone\": \"UTC\"}")),
                        "local/invalid_follow_up", "[subject]"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\"")), "local/invalid_follow_up",
                        "scheduled_time"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": "
                        + "{\"timezone\": \"Europe/Paris\"}")), "local/invalid_follow_up", "none is given"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": "
                        + "{\"days\": 1, \"weeks\": 1, \"timezone\": \"Europe/Paris\"}")), "local/invalid_follow_up",
                        "not both"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": {\"days\": 2}")),
                        "local/invalid_follow_up", "[timezone]"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": "
                        + "{\"days\": 2, \"timezone\": \"Mars/Olympus\"}")), "local/unknown_time_zone", "Mars/Olympus"),
                Arguments.of(recruiter(followUp("\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": "
                        + "{\"days\": 0, \"timezone\": \"UTC\"}")), "local/invalid_value", "[days]"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"Hi {{name}}\"}",
                        "local/missing_variable", "{{name}}"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"Hi {{name\"}",
                        "local/invalid_template", "{{name"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"variables\": [1]}",
                        "local/invalid_value", "variables"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"external_id\": \""
                        + "x".repeat(201) + "\"}", "local/invalid_value", "external_id"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"attachments\": [\"/etc/passwd\"]}",
                        "local/invalid_attachment_path", "absolute"),
                Arguments.of("{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"attachments\": [\"a/../../x.pdf\"]}",
                        "local/invalid_attachment_path", "outside"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("refused")
    void refusedWithTheReasonAndTheField(String record, String type, String named) throws Exception {
        InvalidRecordException refused = assertThrows(InvalidRecordException.class,
                () -> mapper.map(TestFolders.JSON.readTree(record)));
        assertEquals(type, refused.error().type());
        assertNull(refused.error().status());
        assertTrue(refused.error().detail().contains(named), refused.error().detail());
    }

    @Test
    void recruiterFollowUpInDaysIsAccepted() throws Exception {
        ChatRequest request = mapper.map(TestFolders.JSON.readTree(recruiter(followUp(
                "\"subject\": \"s\", \"text\": \"t\", \"scheduled_time\": {\"days\": \"3\", \"timezone\": \"Asia/Tokyo\"}"))));
        assertEquals("acc", request.accountId());
        assertTrue(request.parts().contains(FormPart.text("linkedin[follow_up][scheduled_time][days]", "3")));
    }

    private static String classic(String option) {
        return "{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"linkedin\": {\"api\": \"classic\", "
                + option + "}}";
    }

    private static String recruiter(String option) {
        return "{\"account_id\": \"acc\", \"attendees_ids\": [\"a\"], \"text\": \"t\", \"linkedin\": {\"api\": \"recruiter\", "
                + option + "}}";
    }

    private static String followUp(String fields) {
        return "\"follow_up\": {" + fields + "}";
    }
}
