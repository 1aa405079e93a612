package com.postpressbridge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The app's log lines that match, kept while the watch is open (on the root logger, which the app's logging reaches in
 * a {@code @QuarkusTest}): {@code try (LogWatch watch = LogWatch.of(...)) { ...; watch.lines() }}.
 */
public final class LogWatch extends Handler implements AutoCloseable {

    private final Predicate<LogRecord> wanted;
    private final List<LogRecord> lines = new CopyOnWriteArrayList<>();

    private LogWatch(Predicate<LogRecord> wanted) {
        this.wanted = wanted;
    }

    public static LogWatch of(Predicate<LogRecord> wanted) {
        LogWatch watch = new LogWatch(wanted);
        Logger.getLogger("").addHandler(watch);
        return watch;
    }

    /** Lines at this level or above. */
    static Predicate<LogRecord> atLeast(Level level) {
        return line -> line.getLevel().intValue() >= level.intValue();
    }

    public List<LogRecord> lines() {
        return lines;
    }

    /** A line as it is written: its parameters filled in (the app logs with printf-style patterns). */
    public static String text(LogRecord line) {
        return line instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                : String.valueOf(line.getMessage());
    }

    @Override
    public void publish(LogRecord line) {
        if (wanted.test(line)) {
            lines.add(line);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
