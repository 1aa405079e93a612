package com.postpressbridge.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The disk of the ledger and of the outcome folders refused a write (it is full, or failing), or has less free space
 * than {@code outreach.disk.min-free}. While the fault lasts the ledger takes no new claim and stores no webhook
 * delivery, so nothing is sent whose outcome could not be kept; files wait in the inbox, retries in the ledger, and
 * readiness is DOWN with the reason. It is cleared once the disk takes writes again ({@code DiskRecovery}).
 */
@ApplicationScoped
@Named("diskFault")
public class DiskFault {

    private static final java.util.regex.Pattern FIGURES = java.util.regex.Pattern.compile("[0-9]+");
    private static final Logger LOG = Logger.getLogger(DiskFault.class);
    private static final long MB = 1024 * 1024;

    /** Why writes are refused, and since when. Each raise is a new instance: a clear only undoes what it saw. */
    public record Fault(String reason, Instant since) {
    }

    private final List<Path> folders;
    private final long minFree;
    private final AtomicReference<Fault> current = new AtomicReference<>();

    @Inject
    public DiskFault(@ConfigProperty(name = "outreach.dir") String outreachDir,
            @ConfigProperty(name = "outreach.disk.min-free") MemorySize minFree,
            @ConfigProperty(name = "outreach.ledger.url") String ledgerUrl) {
        this(folders(outreachDir, ledgerUrl), minFree.asLongValue());
    }

    public DiskFault(List<Path> folders, long minFree) {
        this.folders = folders;
        this.minFree = minFree;
    }

    private static List<Path> folders(String outreachDir, String ledgerUrl) {
        List<Path> folders = new ArrayList<>(List.of(Path.of(outreachDir).toAbsolutePath()));
        LedgerWatch.databaseFile(ledgerUrl).map(file -> file.toAbsolutePath().getParent()).filter(f -> !folders.contains(f))
                .ifPresent(folders::add);
        return List.copyOf(folders);
    }

    /** Whether writes are refused now: {@code file-intake} and {@code dispatch-waiting} take nothing while they are. */
    public boolean raised() {
        return current.get() != null;
    }

    public Optional<Fault> fault() {
        return Optional.ofNullable(current.get());
    }

    /** Whether two reasons differ in their figures only (how many MB are free as the disk fills): no new line then. */
    static boolean sameBut(String before, String reason) {
        return FIGURES.matcher(before).replaceAll("#").equals(FIGURES.matcher(reason).replaceAll("#"));
    }

    /** A write failed, or the disk is short of room: sending stops until {@link #clear} is called. */
    public void raise(String reason) {
        Fault before = current.getAndUpdate(old -> new Fault(reason, old == null ? Instant.now() : old.since()));
        if (before == null) {
            LOG.errorf("sending stops: %s. Files wait in the inbox and retries in the ledger; the outcomes of records"
                    + " already sent are kept and written as soon as the disk takes writes again, and sending resumes"
                    + " by itself then.", reason);
        } else if (!sameBut(before.reason(), reason)) {
            LOG.warnf("sending is still stopped: %s", reason);
        }
    }

    /**
     * Before the ledger takes new work (a claim, a webhook delivery): refuses it, with a {@link Ledger.LedgerException},
     * while the fault lasts or while the disk is short of room (which raises it).
     */
    void ensureRoom(String what) {
        if (current.get() == null) {
            shortage().ifPresent(this::raise);
        }
        Fault fault = current.get();
        if (fault != null) {
            throw new Ledger.LedgerException("cannot " + what + ": " + fault.reason(), null);
        }
    }

    /** Why there is not enough room now: a folder whose disk has less free space than the minimum. */
    public Optional<String> shortage() {
        for (Path folder : folders) {
            long free = usableSpace(folder);
            if (free < minFree) {
                return Optional.of("the disk is full: " + free / MB + " MB free for " + folder + " (outreach.disk.min-free is "
                        + minFree / MB + " MB)");
            }
        }
        return Optional.empty();
    }

    /** The free space of a folder's disk; of its nearest existing parent when it does not exist (yet, or any more). */
    private static long usableSpace(Path folder) {
        for (Path existing = folder; existing != null; existing = existing.getParent()) {
            if (Files.exists(existing)) {
                return existing.toFile().getUsableSpace();
            }
        }
        return Long.MAX_VALUE;
    }

    /** The fault seen is over. A fault raised again since (another write failed meanwhile) stays. */
    public boolean clear(Fault seen) {
        if (!current.compareAndSet(seen, null)) {
            return false;
        }
        LOG.infof("the disk takes writes again (stopped since %s: %s): sending resumes", seen.since(), seen.reason());
        return true;
    }
}
