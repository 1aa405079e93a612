package com.postpressbridge.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The one definition of a record's fields against the form-field table of the contract (postpress-api.md). */
class ChatFieldTest {

    /** The contract's form fields, in its order, with the values it allows where it lists them. */
    static final List<String> CONTRACT = List.of("account_id", "attendees_ids[]", "text", "subject", "attachments[]",
            "voice_message", "video_message", "linkedin[api]", "linkedin[topic]", "linkedin[applicant_id]",
            "linkedin[invitation_id]", "linkedin[inmail]", "linkedin[signature]", "linkedin[hiring_project_id]",
            "linkedin[job_posting_id]", "linkedin[sourcing_channel]", "linkedin[email_address]", "linkedin[visibility]",
            "linkedin[follow_up][subject]", "linkedin[follow_up][text]", "linkedin[follow_up][attachments][]",
            "linkedin[follow_up][scheduled_time][days]", "linkedin[follow_up][scheduled_time][weeks]",
            "linkedin[follow_up][scheduled_time][timezone]");

    @Test
    void everyFormFieldOfTheContractInItsOrder() {
        assertEquals(CONTRACT, Arrays.stream(ChatField.values()).filter(field -> field != ChatField.EXTERNAL_ID).map(ChatField::formName)
                .toList());
    }

    @Test
    void theValuesTheContractAllows() {
        assertEquals(List.of("classic", "recruiter", "sales_navigator"), ChatField.LINKEDIN_API.allowed());
        assertEquals(List.of("service_request", "request_demo", "support", "careers", "other"), ChatField.TOPIC.allowed());
        assertEquals(List.of("JOB_POSTING_RECOMMENDED_MATCHES", "JOB_POSTING", "REFERRAL", "INTERNAL_CANDIDATES",
                "AUTOMATED_SOURCING", "RECRUITER_SEARCH", "CAREER_SITE"), ChatField.SOURCING_CHANNEL.allowed());
        assertEquals(List.of("PUBLIC", "PRIVATE", "PROJECT"), ChatField.VISIBILITY.allowed());
    }

    @Test
    void theShapesDerivedFromIt() {
        assertEquals(List.of("account_id", "attendees_ids", "text", "subject", "attachments", "voice_message",
                "video_message", "linkedin", "external_id"), ChatField.namesUnder(""));
        assertEquals(List.of("topic", "applicant_id", "invitation_id", "inmail"), ChatField.optionsOf(ChatField.Api.CLASSIC));
        assertEquals(List.of("signature", "hiring_project_id", "job_posting_id", "sourcing_channel", "email_address",
                "visibility", "follow_up"), ChatField.optionsOf(ChatField.Api.RECRUITER));
        assertEquals(List.of("subject", "text", "attachments", "scheduled_time"), ChatField.namesUnder("linkedin.follow_up"));
        assertEquals("linkedin[follow_up][scheduled_time][days]", ChatField.FOLLOW_UP_DAYS.column());
        assertEquals(java.util.Optional.of(ChatField.INMAIL), ChatField.ofColumn("linkedin[inmail]"));
        assertEquals(java.util.Optional.empty(), ChatField.ofColumn("first_name"));
    }
}
