package com.postpressbridge.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.outcome.OutcomeFile.Folder;

/**
 * An outcome not yet in its folder is kept in the ledger as JSON and written from it after a crash: what it says must
 * come back whole, or the repair writes something else.
 */
class OutcomeFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOutcomeKeptInTheLedgerComesBackWhole() throws Exception {
        ObjectNode document = JSON.createObjectNode().put("key", "crm-77").put("chat_id", "chat_1");
        OutcomeFile line = new OutcomeFile(Folder.success, "second.csv.jsonl", "crm-77", document,
                "second.csv.3.1a2b3c4d.json");

        OutcomeFile back = OutcomeFile.fromJson(JSON.readTree(line.toJson().toString()));

        assertEquals(line, back);
    }
}
