package com.postpressbridge.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Named;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.inbox.InboxFiles;
import com.postpressbridge.callback.CallbackEvents;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.FileRun;

/**
 * What {@code GET /status} answers, and the page at {@code /} shows: whether records are being sent (and why not),
 * the inbox files in progress and the last finished, held accounts, the retry backlog, and the last quarantined
 * records. Read from the ledger (shared by every replica) and from the outcome folders (its projection, on the shared
 * volume); the counts of a file in progress from the process that sends it. A part that cannot be read (the ledger
 * is down) says so in its place; the rest is still shown.
 */
@ApplicationScoped
@Named("statusReport")
public class StatusReport {

    private static final Logger LOG = Logger.getLogger(StatusReport.class);
    /** How many finished files and quarantined records are listed. */
    static final int RECENT = 10;
    /** A quarantine document larger than this is a quarantined data file, not a record's document. */
    private static final long MAX_DOCUMENT = 2L * 1024 * 1024;
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Ledger ledger;
    private final InboxFiles inbox;
    private final SendGate gate;
    private final OutcomeFolders folders;
    private final Instance<HealthCheck> readiness;
    private final ObjectMapper json;
    private final CallbackEvents callbacks;
    private final CallbackOutbox outbox;
    private final Pacing pacing;
    private final AccountPaces paces;

    public StatusReport(Ledger ledger, InboxFiles inbox, SendGate gate, OutcomeFolders folders,
            @Readiness Instance<HealthCheck> readiness, ObjectMapper json, CallbackEvents callbacks,
            CallbackOutbox outbox, Pacing pacing, AccountPaces paces) {
        this.pacing = pacing;
        this.paces = paces;
        this.callbacks = callbacks;
        this.outbox = outbox;
        this.ledger = ledger;
        this.inbox = inbox;
        this.gate = gate;
        this.folders = folders;
        this.readiness = readiness;
        this.json = json;
    }

    /** How long one report answers every request: pages left open poll, and a report lists folders. */
    public static final long FRESH_MILLIS = 1000;
    private String last;
    private long lastAt;

    /** Step of the {@code status} route: one report a second at most, shared by the requests of that second. */
    public synchronized String json() {
        long now = System.currentTimeMillis();
        if (last == null || now - lastAt >= FRESH_MILLIS) {
            last = report().toString();
            lastAt = now;
        }
        return last;
    }

    public ObjectNode report() {
        ObjectNode report = json.createObjectNode();
        report.put("instance", ledger.instance());
        report.put("generated_at", Instant.now().toString());
        part(report, "sending", this::sending);
        part(report, "files", this::files);
        part(report, "retry", retry -> {
            retry.put("backlog", ledger.count(Ledger.State.RETRY));
            Long next = ledger.nextDue(Ledger.State.RETRY);
            retry.put("next_due_at", next == null ? null : Instant.ofEpochMilli(next).toString());
            retry.put("queued_webhook_records", ledger.count(Ledger.State.QUEUED));
            retry.put("in_flight", ledger.count(Ledger.State.SENDING));
        });
        part(report, "scheduled", this::scheduled);
        part(report, "held", this::held);
        part(report, "quarantine", this::quarantine);
        part(report, "callbacks", this::callbacks);
        return report;
    }

    /** Records waiting for their account's slot, and each account's pacing: what it sent, when it may send next. */
    private void scheduled(ObjectNode part) {
        part.put("pacing", pacing.describe());
        part.put("backlog", ledger.count(Ledger.State.SCHEDULED));
        Long next = ledger.nextDue(Ledger.State.SCHEDULED);
        part.put("next_at", next == null ? null : Instant.ofEpochMilli(next).toString());
        ArrayNode accounts = part.putArray("accounts");
        for (AccountPaces.Account account : paces.all()) {
            AccountPaces.Pace pace = account.pace();
            ObjectNode row = accounts.addObject();
            row.put("account_id", account.id());
            row.put("day", pace.day());
            row.put("sent_that_day", pace.sentToday());
            row.put("week_of", pace.week());
            row.put("sent_that_week", pace.sentThisWeek());
            long now = System.currentTimeMillis();
            row.put("next_slot_at", pace.nextSlotAt() == 0 ? null : Instant.ofEpochMilli(pace.nextSlotAt()).toString());
            // its next slot waits for the end of a request on its way
            row.put("request_on_its_way", pace.sendingUntil() > now);
            row.put("blocked_until", pace.blockedUntil() <= now ? null : Instant.ofEpochMilli(pace.blockedUntil()).toString());
            row.put("allowance", pace.allowance());
        }
    }

    /** The outcome events not yet taken by the CRM: how many, how old the oldest, how many it refused for good. */
    private void callbacks(ObjectNode part) {
        part.put("enabled", callbacks.enabled());
        CallbackOutbox.Backlog backlog = outbox.backlog();
        part.put("undelivered", backlog.undelivered());
        part.put("oldest_undelivered_at", backlog.oldestCreatedAt() == null ? null
                : Instant.ofEpochMilli(backlog.oldestCreatedAt()).toString());
        part.put("oldest_undelivered_seconds", backlog.oldestAgeMillis(System.currentTimeMillis()) / 1000);
        part.put("refused", backlog.refused());
    }

    /** Fills one part of the report; a failure (the ledger is down, a folder unreadable) is shown in its place. */
    private void part(ObjectNode report, String name, Consumer<ObjectNode> fill) {
        ObjectNode part = report.putObject(name);
        try {
            fill.accept(part);
        } catch (RuntimeException e) {
            LOG.debugf(e, "status: %s not read", name);
            part.removeAll();
            part.put("unavailable", name + " cannot be read now: " + e.getMessage());
        }
    }

    /** Sending goes on unless a readiness check is DOWN (disk full, ledger down, API key refused, stopping). */
    private void sending(ObjectNode sending) {
        ArrayNode stopped = json.createArrayNode();
        for (HealthCheck check : readiness) {
            HealthCheckResponse answer = check.call();
            if (answer.getStatus() == HealthCheckResponse.Status.DOWN) {
                ObjectNode why = stopped.addObject().put("check", answer.getName());
                answer.getData().ifPresent(data -> data.forEach((key, value) -> why.put(key, String.valueOf(value))));
            }
        }
        sending.put("ok", stopped.isEmpty());
        sending.set("stopped_by", stopped);
    }

    private void files(ObjectNode files) {
        ArrayNode inProgress = files.putArray("in_progress");
        Map<String, FileRun> mine = new HashMap<>();
        inbox.running().forEach(run -> mine.put(run.fileName(), run));
        for (Ledger.InboxFile taken : ledger.files()) {
            FileRun run = mine.remove(taken.name());
            if (run == null && !Files.exists(folders.inbox().resolve(taken.name()))) {
                continue; // a claim on a file that is gone (its release failed): nothing is being sent from it
            }
            ObjectNode file = run != null ? run.progress() : json.createObjectNode().put("file", taken.name());
            file.put("instance", taken.holder());
            inProgress.add(file);
        }
        mine.values().forEach(run -> inProgress.add(run.progress().put("instance", ledger.instance())));
        ArrayNode recent = files.putArray("recent");
        newestSummaries().forEach(recent::add);
    }

    /** The summaries of the last files archived, newest first, from the newest days of {@code archive/}. */
    private List<JsonNode> newestSummaries() {
        List<JsonNode> summaries = new ArrayList<>();
        List<Path> days = list(folders.archive(), day -> Files.isDirectory(day)
                && DAY.matcher(day.getFileName().toString()).matches());
        days.sort(Comparator.comparing(Path::getFileName).reversed());
        for (Path day : days) {
            for (Path summary : newest(day, file -> file.getFileName().toString().endsWith(".summary.json")
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), RECENT - summaries.size())) {
                read(summary).ifPresent(summaries::add);
            }
            if (summaries.size() >= RECENT) {
                break;
            }
        }
        return summaries;
    }

    private void held(ObjectNode held) {
        ArrayNode accounts = held.putArray("accounts");
        Instant now = Instant.now();
        gate.pauses().forEach((scope, pause) -> {
            ObjectNode hold = json.createObjectNode();
            hold.put("account_id", Ledger.ALL_SENDING.equals(scope) ? null : scope);
            hold.put("all_sending", Ledger.ALL_SENDING.equals(scope));
            hold.put("until", pause.until().toString());
            hold.put("ended", !pause.until().isAfter(now));
            hold.set("reason", pause.reason().toJson());
            accounts.add(hold);
        });
    }

    /** The last records (and whole files) put in {@code quarantine/}, newest first, with their error. */
    private void quarantine(ObjectNode quarantine) {
        quarantine.put("in_ledger", ledger.count(Ledger.State.QUARANTINED));
        ArrayNode recent = quarantine.putArray("recent");
        Path folder = folders.quarantine();
        for (Path document : newest(folder, file -> isDocument(folder, file), RECENT)) {
            read(document).filter(doc -> doc.path("error").isObject()).ifPresent(doc -> {
                ObjectNode entry = recent.addObject();
                entry.put("document", folders.root().relativize(document).toString());
                entry.put("key", doc.path("key").asText(null));
                entry.set("source", doc.path("source").isObject() ? doc.get("source") : null);
                if (doc.has("quarantined_as")) {
                    entry.put("file", doc.path("quarantined_as").asText());
                }
                entry.put("quarantined_at", doc.path("quarantined_at").asText(null));
                entry.put("exhausted", doc.path("exhausted").asBoolean(false));
                entry.set("error", doc.get("error"));
                entry.put("what_to_do", WhatToDo.link(doc.get("error").path("type").asText(""),
                        doc.has("quarantined_as"), doc.path("exhausted").asBoolean(false)));
            });
        }
    }

    /** A quarantine document: a record's, or the {@code .error.json} of a whole file; not a quarantined data file. */
    private static boolean isDocument(Path folder, Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") && Files.isRegularFile(file)
                && !Files.exists(folder.resolve(name + ".error.json"));
    }

    /** The newest {@code limit} entries of a folder that match, newest first. */
    private static List<Path> newest(Path folder, Predicate<Path> matching, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        record Dated(Path path, long modified) {
        }
        PriorityQueue<Dated> newest = new PriorityQueue<>(Comparator.comparingLong(Dated::modified));
        for (Path entry : list(folder, matching)) {
            try {
                newest.add(new Dated(entry, Files.getLastModifiedTime(entry).toMillis()));
            } catch (IOException gone) {
                continue; // moved away since it was listed
            }
            if (newest.size() > limit) {
                newest.poll();
            }
        }
        List<Path> paths = new ArrayList<>();
        while (!newest.isEmpty()) {
            paths.add(0, newest.poll().path());
        }
        return paths;
    }

    private static List<Path> list(Path folder, Predicate<Path> matching) {
        List<Path> entries = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return entries;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(entry -> {
                if (matching.test(entry)) {
                    entries.add(entry);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(folder + " cannot be listed: " + e.getMessage(), e);
        }
        return entries;
    }

    /** A document of the folders, if it is a regular file (a pipe would block the report for good) of a sane size. */
    private Optional<JsonNode> read(Path document) {
        try {
            if (!Files.isRegularFile(document, LinkOption.NOFOLLOW_LINKS) || Files.size(document) > MAX_DOCUMENT) {
                return Optional.empty();
            }
            return Optional.of(json.readTree(document.toFile()));
        } catch (IOException e) {
            return Optional.empty(); // being written, or moved away since it was listed
        }
    }
}
