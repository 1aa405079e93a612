package com.postpressbridge;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;

import com.postpressbridge.callback.CallbackEvents;
import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.LedgerUrl;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.config.SettingValues;
import com.postpressbridge.inbox.FileNames;
import com.postpressbridge.inbox.InboxFiles;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.Instance;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.LedgerRebuild;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.outcome.LedgerRecovery;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.outcome.WaitingRecords;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.preview.Preview;

/**
 * Brings the bridge up in order: configuration checked, folders made, the ledger repaired after a crash, and only
 * then the routes that send ({@code file-intake}, {@code retry}), which do not start by themselves.
 */
@ApplicationScoped
public class OutreachStartup {

    private static final Logger LOG = Logger.getLogger(OutreachStartup.class);

    private final PostpressConfig postpress;
    private final OutreachConfig outreach;
    private final OutcomeFolders folders;
    private final Ledger ledger;
    private final LedgerRebuild rebuild;
    private final LedgerRecovery recovery;
    private final WaitingRecords waitingRecords;
    private final SendGate gate;
    private final Instance instance;
    private final Preview preview;
    private final CallbackEvents callbacks;
    private final CallbackOutbox outbox;
    private final Pacing pacing;
    private final InboxFiles inbox;

    public OutreachStartup(PostpressConfig postpress, OutreachConfig outreach, OutcomeFolders folders,
            Ledger ledger, LedgerRebuild rebuild, LedgerRecovery recovery, WaitingRecords waitingRecords, SendGate gate,
            Instance instance, Preview preview, CallbackEvents callbacks, CallbackOutbox outbox, Pacing pacing,
            InboxFiles inbox) {
        this.inbox = inbox;
        this.ledger = ledger;
        this.pacing = pacing;
        this.callbacks = callbacks;
        this.outbox = outbox;
        this.instance = instance;
        this.preview = preview;
        this.postpress = postpress;
        this.outreach = outreach;
        this.folders = folders;
        this.rebuild = rebuild;
        this.recovery = recovery;
        this.waitingRecords = waitingRecords;
        this.gate = gate;
    }

    /**
     * A failure here stops the app (a Camel event observer's exception would only be logged). It runs after the beans
     * that check their settings at start-up ({@code @Startup}: webhook sources, callbacks), so that a setting they
     * refuse stops the start before a file is read.
     */
    void onStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 100) StartupEvent start, CamelContext camel)
            throws Exception {
        if (outreach.dryRun()) {
            dryRun();
            return;
        }
        if (postpress.sandbox()) {
            LOG.warnf("SANDBOX MODE (postpress.sandbox=true): records are posted to the built-in postpress look-alike at"
                    + " %s. NOTHING IS REALLY SENT to LinkedIn or email.", postpress.baseUrl());
        } else if (postpress.apiKey().filter(key -> !key.isBlank()).isEmpty()) {
            throw new BadSetting("POSTPRESS_API_KEY is not set: set it to your postpress API key"
                    + " (or set POSTPRESS_SANDBOX=true to try everything against the built-in sandbox)");
        }
        try {
            SettingValues.httpUrl(postpress.baseUrl(), "https://api.postpress.ai"); // its converter let credentials by
        } catch (IllegalArgumentException e) {
            throw new BadSetting("postpress.base-url (POSTPRESS_BASE_URL) " + e.getMessage());
        }
        LOG.info(pacing.describe()); // and a pacing setting that cannot be used stops the start here
        folders.create();
        Charset names = FileNames.nameEncoding();
        if (!names.equals(StandardCharsets.UTF_8)) {
            LOG.warnf("file names are read as %s: the bridge was started without a UTF-8 locale, so an inbox file whose"
                    + " name has other characters is quarantined (local/unreadable_name). Start it with LANG=C.UTF-8",
                    names.name());
        }
        int journaled = ledger.replayJournal();
        if (journaled > 0) {
            LOG.warnf("%d claims and webhook deliveries of the moments before an unclean stop were taken from the claim"
                    + " journal", journaled);
        }
        instance.arrive();
        rebuild.run();
        gate.restarted();
        recovery.run();
        waitingRecords.reconcile();
        inbox.tidyCopies();
        camel.getRouteController().startRoute("file-intake");
        camel.getRouteController().startRoute("inbox-sweep");
        if (!outreach.runOnce()) {
            camel.getRouteController().startRoute("retry");
            // What waits (webhook records accepted before a stop, retries due meanwhile) goes now, not at the timer's
            // first scan (see retry.camel.yaml).
            try (ProducerTemplate wake = camel.createProducerTemplate()) {
                wake.sendBody("seda:wake-dispatch?size=1&discardWhenFull=true", null);
            }
        }
        if (callbacks.enabled()) {
            outbox.releaseOwn(System.currentTimeMillis()); // what this process was delivering when it stopped
            camel.getRouteController().startRoute("callback-delivery");
        }
        LOG.infof("watching %s (postpress at %s, %d requests at a time; ledger: %s; instance %s)", folders.inbox(),
                postpress.baseUrl(), outreach.concurrency(), LedgerUrl.describe(outreach.ledger().url()), instance.id());
    }

    /**
     * {@code outreach.dry-run}: the files are previewed and the process exits (0, or 2 when a file could not be read at
     * all). Nothing that sends or changes the ledger starts: no repair, no routes that send, no heartbeat. Webhooks are
     * answered 503 meanwhile ({@code WebhookIntake}).
     */
    private void dryRun() throws Exception {
        folders.create();
        List<Path> files = outreach.dryRunList().isPresent() ? Preview.listed(Path.of(outreach.dryRunList().get()))
                : preview.inboxFiles();
        LOG.infof("dry run of %d files (ledger: %s): nothing is sent", files.size(),
                LedgerUrl.describe(outreach.ledger().url()));
        List<Preview.FileResult> results = preview.run(files);
        LOG.info(preview.summary(results));
        Quarkus.asyncExit(Preview.anyUnreadable(results) ? RunOnce.UNREADABLE_FILES : 0);
    }
}
