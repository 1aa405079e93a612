package com.postpressbridge.pacing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * When an account may send, in its own time zone: some days of the week, between two times of day
 * ({@code Mon-Fri 08:30-18:30}, {@code Mon,Wed,Fri 09:00-12:00}, {@code 09:00-17:00} for every day), or
 * {@code always}. The end is exclusive; a window does not run past midnight.
 */
public record SendingWindow(Set<DayOfWeek> days, LocalTime opens, LocalTime closes) {

    public static final SendingWindow ALWAYS = new SendingWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.MIN, null);

    /**
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static SendingWindow parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.equalsIgnoreCase("always")) {
            return ALWAYS;
        }
        String[] parts = value.split("\\s+");
        if (value.isEmpty() || parts.length > 2) {
            throw invalid(text, "expected days and hours, such as Mon-Fri 08:30-18:30, or always");
        }
        Set<DayOfWeek> days = parts.length == 2 ? days(text, parts[0]) : EnumSet.allOf(DayOfWeek.class);
        String[] hours = parts[parts.length - 1].split("-");
        if (hours.length != 2) {
            throw invalid(text, "the hours must be two times of day, such as 08:30-18:30");
        }
        LocalTime opens = time(text, hours[0]);
        LocalTime closes = hours[1].trim().equals("24:00") ? LocalTime.MAX : time(text, hours[1]);
        if (!closes.isAfter(opens)) {
            throw invalid(text, "the window must close after it opens on the same day (" + parts[parts.length - 1]
                    + "); a window past midnight is not supported: end it at 24:00");
        }
        return new SendingWindow(days, opens, closes);
    }

    /** The first moment at or after {@code at} when the window is open. */
    public Instant nextOpen(Instant at, ZoneId zone) {
        if (closes == null) {
            return at;
        }
        LocalDate date = at.atZone(zone).toLocalDate();
        for (int day = 0; day <= 7; day++, date = date.plusDays(1)) {
            if (!days.contains(date.getDayOfWeek())) {
                continue;
            }
            Instant start = ZonedDateTime.of(date, opens, zone).toInstant();
            Instant end = ZonedDateTime.of(date, closes, zone).toInstant();
            if (at.isBefore(end)) {
                return at.isAfter(start) ? at : start;
            }
        }
        throw new IllegalStateException("a window with days opens within a week: " + this);
    }

    public boolean isOpen(Instant at, ZoneId zone) {
        return nextOpen(at, zone).equals(at);
    }

    @Override
    public String toString() {
        if (closes == null) {
            return "always";
        }
        StringBuilder text = new StringBuilder();
        for (DayOfWeek day : days) {
            text.append(text.isEmpty() ? "" : ",").append(name(day));
        }
        return text + " " + opens + "-" + (closes.equals(LocalTime.MAX) ? "24:00" : closes);
    }

    private static Set<DayOfWeek> days(String text, String spec) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",")) {
            String[] range = part.split("-");
            if (range.length == 1) {
                days.add(day(text, range[0]));
            } else if (range.length == 2) {
                DayOfWeek from = day(text, range[0]);
                DayOfWeek to = day(text, range[1]);
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                throw invalid(text, "days are names or ranges of names, such as Mon-Fri or Mon,Wed,Fri");
            }
        }
        return days;
    }

    private static DayOfWeek day(String text, String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (wanted.length() >= 3 && day.name().toLowerCase(Locale.ROOT).startsWith(wanted)) {
                return day;
            }
        }
        throw invalid(text, "'" + name + "' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static LocalTime time(String text, String value) {
        try {
            return LocalTime.parse(value.length() == 4 ? "0" + value : value);
        } catch (DateTimeParseException e) {
            throw invalid(text, "'" + value + "' is not a time of day (HH:MM, 24 hours)");
        }
    }

    private static String name(DayOfWeek day) {
        String name = day.name();
        return name.charAt(0) + name.substring(1, 3).toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("outreach.pacing.window '" + text + "': " + why);
    }
}
