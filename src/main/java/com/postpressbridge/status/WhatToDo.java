package com.postpressbridge.status;

import com.postpressbridge.record.OutreachError;

/**
 * Where the help page ({@code /help.html}) says what a person does about a quarantined record or file: one section per
 * kind of problem, chosen from the error's type.
 */
final class WhatToDo {

    static final String PAGE = "/help.html";

    private WhatToDo() {
    }

    /**
     * @param type the error's type ({@code local/in_doubt}, {@code errors/invalid_recipient}, ...)
     * @param wholeFile the document is the {@code .error.json} of a file refused whole
     * @param exhausted the record was retried until its attempts or its age ran out
     */
    static String link(String type, boolean wholeFile, boolean exhausted) {
        String section;
        if (wholeFile) {
            section = "unreadable-file";
        } else if (type.equals(OutreachError.IN_DOUBT)) {
            section = "in-doubt";
        } else if (type.equals("local/cancelled")) {
            section = "cancelled";
        } else if (exhausted) {
            section = "retries-ran-out";
        } else if (type.startsWith("local/")) {
            section = "invalid-record";
        } else {
            section = "refused-by-postpress";
        }
        return PAGE + "#" + section;
    }
}
