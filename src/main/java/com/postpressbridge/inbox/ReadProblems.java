package com.postpressbridge.inbox;

import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import com.postpressbridge.record.RecordLimits;

/**
 * Says in plain words why a file could not be read, for the {@code .error.json} a person reads: what is wrong and
 * what to do, without the parser's own vocabulary (exception class names, {@code Source: REDACTED}, feature flags).
 */
public final class ReadProblems {

    /** Jackson's location of a start marker inside its messages, e.g. {@code [Source: REDACTED (...); line: 1, column: 2]}. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*(?:\\([^)]*\\))?[^;\\]]*; line: (\\d+),"
            + " column: (\\d+)]");
    private static final Pattern CODE = Pattern.compile(" \\(code \\d+\\)");
    private static final Pattern CSV_LINE = Pattern.compile("\\((?:start)?line (\\d+)\\)");

    private ReadProblems() {
    }

    /** Why reading failed, as a sentence. */
    public static String plain(Throwable failure) {
        Throwable cause = failure instanceof UncheckedIOException unchecked && unchecked.getCause() != null
                ? unchecked.getCause()
                : failure;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException) {
                return "the bridge may not read this file (permission denied): give the user that runs the bridge"
                        + " read access to it";
            }
            if (t instanceof NoSuchFileException) {
                return "the file disappeared while it was being read";
            }
            if (t instanceof StreamConstraintsException limit) {
                return constraint(limit.getOriginalMessage());
            }
            if (t instanceof CharacterCodingException) {
                return "the file is not UTF-8 text: save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")";
            }
        }
        if (cause instanceof JsonProcessingException json) {
            return "the JSON is not valid: " + jackson(json.getOriginalMessage());
        }
        if (cause instanceof FileSystemException io) {
            return "the file cannot be read: " + (io.getReason() == null ? "input/output error" : io.getReason());
        }
        return csv(cause.getMessage());
    }

    private static String constraint(String message) {
        String text = message == null ? "" : message;
        if (text.contains("String value length") || text.contains("Name length")) {
            return "a text value is longer than the 20,000,000 characters a file may hold in one value (a record may"
                    + " hold at most " + String.format("%,d", RecordLimits.MAX_RECORD) + "): it is not an outreach"
                    + " record; check the export";
        }
        if (text.contains("nesting depth")) {
            return "values are nested too deeply (objects or arrays inside each other over a thousand levels): it is"
                    + " not an outreach record; check the export";
        }
        if (text.contains("Number value length")) {
            return "a number is too long to be read: write it as a text (in quotes)";
        }
        return "the file is larger than a reader may take in one value: check the export";
    }

    /** Jackson's own message, with its locations written as line and column and its character codes left out. */
    public static String jackson(String message) {
        if (message == null) {
            return "unexpected content";
        }
        Matcher source = SOURCE.matcher(message);
        String text = source.replaceAll("line $1, column $2");
        return CODE.matcher(text).replaceAll("").strip();
    }

    private static String csv(String message) {
        if (message == null) {
            return "the file cannot be read";
        }
        Matcher line = CSV_LINE.matcher(message);
        String where = line.find() ? " (from line " + line.group(1) + ")" : "";
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("eof reached before encapsulated token finished")) {
            return "a quoted cell is never closed" + where + ": a quote (\") is missing at its end, or a quote inside a"
                    + " cell is not doubled (\"\")";
        }
        if (lower.contains("invalid char") && lower.contains("between encapsulated token and delimiter")) {
            return "a quoted cell is followed by other characters before the next comma" + where + ": inside a quoted"
                    + " cell, write a quote as two quotes (\"\")";
        }
        return message.replaceAll("(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error): ?", "").strip();
    }
}
