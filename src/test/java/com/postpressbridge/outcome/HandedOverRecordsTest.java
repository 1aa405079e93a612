package com.postpressbridge.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;
import com.postpressbridge.record.Stopping;

/**
 * Webhook records handed over to the sender right after their commit (issue 11): sent from the hand-over while the
 * ledger was read less than a second ago, the ledger's queued records (another process's) still read every second, and
 * no record taken twice by one dispatch. A real ledger (H2 in memory).
 */
class HandedOverRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Ledger ledger;
    private WaitingRecords waiting;

    @BeforeEach
    void ledger() {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:handed-over-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        database.setUser("outreach");
        Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
        ledger = new Ledger(database, new DiskFault(List.of(), 0), "handed-over-test");
        // no retries wait in these tests: the folders and the outcomes are not asked
        waiting = new WaitingRecords(ledger, null, null, JSON, new Stopping());
    }

    /** A webhook record queued in the ledger (committed); its document, as the intake hands it over. */
    private ObjectNode queue(String key) {
        ObjectNode record = JSON.createObjectNode().put("account_id", "acc-1").put("text", "Hi");
        record.putArray("attendees_ids").add("person-" + key);
        OutreachItem item = OutreachItem.webhook(RecordSource.webhook("crm", "delivery-" + key, Instant.now()), record,
                null);
        item.key(key);
        item.firstSeenAt(Instant.now());
        ObjectNode document = OutcomeDocuments.item(item);
        ledger.acceptDelivery("crm", "delivery-" + key,
                List.of(new Ledger.Queued(key, "hash-" + key, document.toString(), null)), claims -> "{}");
        return document;
    }

    private List<String> dispatch() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        return waiting.due(exchange).stream().map(OutreachItem::key).toList();
    }

    @Test
    void recordsHandedOverAreSentFromTheHandOverAndTheLedgerIsStillReadEverySecond() throws Exception {
        waiting.accepted(List.of(queue("a"), queue("b")));
        // the first dispatch reads the ledger: the records it finds there are no longer in the hand-over
        assertEquals(List.of("a", "b"), dispatch());
        ledger.claimWaiting("a", Ledger.State.QUEUED, "{}");
        ledger.claimWaiting("b", Ledger.State.QUEUED, "{}");

        waiting.accepted(List.of(queue("c")));
        queue("d"); // queued by another process: not handed over here
        assertEquals(List.of("c"), dispatch(), "handed over, and the ledger was read less than a second ago");
        ledger.claimWaiting("c", Ledger.State.QUEUED, "{}");

        waiting.accepted(List.of(queue("e")));
        waiting.ledgerReadAt -= WaitingRecords.LEDGER_READ_EVERY_MS; // a second later
        List<String> sent = dispatch();
        assertTrue(sent.contains("d"), "another process's queued record is found within a second: " + sent);
        assertEquals(List.of("d", "e"), sent, "e is read from the ledger once, not also from the hand-over");
        ledger.claimWaiting("d", Ledger.State.QUEUED, "{}");
        ledger.claimWaiting("e", Ledger.State.QUEUED, "{}");
        assertEquals(List.of(), dispatch(), "nothing is left in the hand-over");
    }
}
