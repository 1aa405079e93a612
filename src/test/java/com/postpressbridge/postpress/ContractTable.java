package com.postpressbridge.postpress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing table of the team's API contract (postpress-api.md), copied to {@code postpress-error-types.tsv}: the
 * one reading of it that the table tests share.
 */
public final class ContractTable {

    /** A row: the status, the error type and the routing, in the contract's words. */
    public record Row(int status, String type, String routing) {
    }

    private ContractTable() {
    }

    public static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = ContractTable.class.getResourceAsStream("/postpress-error-types.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] cells = line.split("\t");
                    rows.add(new Row(Integer.parseInt(cells[0]), cells[1], cells[2]));
                }
            }
        }
        return rows;
    }

    /** Types not listed: 429 and 5xx retry, 401/403 hold the account, other 4xx quarantine. */
    public static String byStatus(int status) {
        if (status == 429 || status >= 500) {
            return "retry";
        }
        return status == 401 || status == 403 ? "hold-account" : "quarantine";
    }
}
