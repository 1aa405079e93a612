package com.postpressbridge.record;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sizes and characters a record may hold, each refusal naming the field (and the position of a bad character). */
class RecordLimitsTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(record().put("text", "x".repeat(RecordLimits.MAX_TEXT + 1)), "local/too_large",
                        "text is 100,001 characters long; it may hold at most 100,000"),
                Arguments.of(record().put("subject", "s".repeat(RecordLimits.MAX_SUBJECT + 1)), "local/too_large",
                        "subject is 1,001 characters"),
                Arguments.of(record().put("account_id", "a".repeat(RecordLimits.MAX_ID + 1)), "local/too_large",
                        "account_id is 201 characters long; it may hold at most 200"),
                Arguments.of(record().put("linkedin", "a".repeat(RecordLimits.MAX_VALUE + 1)), "local/too_large",
                        "linkedin is 1,001"),
                Arguments.of(withVariable("first_name", "v".repeat(RecordLimits.MAX_VARIABLE + 1)), "local/too_large",
                        "variable first_name is 100,001"),
                Arguments.of(withFollowUpText("f".repeat(RecordLimits.MAX_TEXT + 1)), "local/too_large",
                        "linkedin[follow_up][text] is 100,001"),
                Arguments.of(withVariables(6, RecordLimits.MAX_VARIABLE), "local/too_large",
                        "the record is 600,"),
                Arguments.of(withAttendees(RecordLimits.MAX_ATTENDEES + 1), "local/too_large",
                        "attendees_ids has 1,001 ids"),
                Arguments.of(record().put("text", "Hi\u0000there"), "local/invalid_characters",
                        "text holds the control character U+0000 at character 3"),
                Arguments.of(withVariable("company", "Acme\u001b[31m"), "local/invalid_characters",
                        "variable company holds the control character U+001B at character 5"),
                Arguments.of(record().put("subject", "del\u007f"), "local/invalid_characters", "U+007F at character 4"),
                Arguments.of(withAttendeeAt(2, "ACo\u0007A"), "local/invalid_characters", "attendees_ids[2] holds"),
                Arguments.of(record().put("text", "🙂\uFEFFHi"), "local/invalid_characters",
                        "byte order mark U+FEFF at character 2"),
                Arguments.of(withFollowUpText("a\u000cb"), "local/invalid_characters", "linkedin[follow_up][text] holds"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusedWithTheFieldNamed(ObjectNode record, String type, String detail) {
        InvalidRecordException refused = assertThrows(InvalidRecordException.class, () -> RecordLimits.check(record));
        assertEquals(type, refused.error().type());
        assertTrue(refused.error().detail().contains(detail), refused.error().detail());
    }

    @Test
    void tabsLineBreaksAndUnicodeAtTheLimitsPass() {
        String start = "Hi\tAda,\r\nsee you 🙂 ";
        ObjectNode record = record()
                .put("text", start + "x".repeat(RecordLimits.MAX_TEXT - start.codePointCount(0, start.length())))
                .put("subject", "s".repeat(RecordLimits.MAX_SUBJECT));
        assertDoesNotThrow(() -> RecordLimits.check(record));
        assertDoesNotThrow(() -> RecordLimits.check(withAttendees(RecordLimits.MAX_ATTENDEES)));
    }

    private static ObjectNode record() {
        ObjectNode record = JsonNodeFactory.instance.objectNode().put("account_id", "acc");
        record.putArray("attendees_ids").add("ACoA");
        return record;
    }

    private static ObjectNode withVariable(String name, String value) {
        ObjectNode record = record().put("text", "Hi {{" + name + "}}");
        record.putObject("variables").put(name, value);
        return record;
    }

    private static ObjectNode withVariables(int count, int length) {
        ObjectNode record = record().put("text", "Hi");
        ObjectNode variables = record.putObject("variables");
        for (int i = 0; i < count; i++) {
            variables.put("v" + i, "v".repeat(length));
        }
        return record;
    }

    private static ObjectNode withFollowUpText(String text) {
        ObjectNode record = record().put("text", "Hi");
        record.putObject("linkedin").put("api", "recruiter").putObject("follow_up").put("text", text);
        return record;
    }

    private static ObjectNode withAttendees(int count) {
        ObjectNode record = record().put("text", "Hi");
        var attendees = record.putArray("attendees_ids");
        for (int i = 0; i < count; i++) {
            attendees.add("ACoA-" + i);
        }
        return record;
    }

    private static ObjectNode withAttendeeAt(int index, String id) {
        ObjectNode record = withAttendees(index);
        ((com.fasterxml.jackson.databind.node.ArrayNode) record.get("attendees_ids")).add(id);
        return record;
    }
}
