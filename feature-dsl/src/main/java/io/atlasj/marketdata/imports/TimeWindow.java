package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.UtcTime;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The plausible times of imported data: from {@code from} to {@code to} (epoch milliseconds, both included). The
 * default runs from 2009-01-01 (before any crypto-asset market) to a day after now; {@code --time-range FROM..TO}
 * widens or narrows it. A time outside it is a bad row: times read in the wrong unit land in the year 50,000 or
 * 1970, and storing them would corrupt the market silently.
 */
public record TimeWindow(long from, long to) {
    public static final long DEFAULT_FROM = LocalDate.of(2009, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    public TimeWindow {
        if (from > to) {
            throw new IllegalArgumentException("the time range starts after it ends: " + Instant.ofEpochMilli(from)
                    + ".." + Instant.ofEpochMilli(to));
        }
    }

    /** 2009-01-01 to a day after now. */
    public static TimeWindow standard() {
        return new TimeWindow(DEFAULT_FROM, System.currentTimeMillis() + 86_400_000L);
    }

    /**
     * {@code FROM..TO} with ISO dates or date-times in UTC ({@code 2005-01-01..2030-12-31}, the end day included);
     * either side may be empty for the default's.
     *
     * @throws IllegalArgumentException with what is wrong and the expected form
     */
    public static TimeWindow parse(String s) {
        int dots = s.indexOf("..");
        if (dots < 0) {
            throw new IllegalArgumentException("--time-range '" + s + "': expected FROM..TO, e.g. 2005-01-01..2030-12-31");
        }
        TimeWindow d = standard();
        String a = s.substring(0, dots).trim();
        String b = s.substring(dots + 2).trim();
        long from = a.isEmpty() ? d.from : instant(a, false);
        long to = b.isEmpty() ? d.to : instant(b, true);
        return new TimeWindow(from, to);
    }

    private static long instant(String s, boolean end) {
        try {
            if (s.length() == 10) {
                LocalDate day = LocalDate.parse(s);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - (end ? 1 : 0);
            }
            return Instant.parse(s.endsWith("Z") ? s : s + "Z").toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--time-range: '" + s + "' is not a date (2005-01-01) or a UTC "
                    + "date-time (2005-01-01T00:00:00Z)");
        }
    }

    /** Null when {@code millis} is inside, else the problem to report. */
    String problem(long millis) {
        if (millis >= from && millis <= to) {
            return null;
        }
        return "time " + show(millis) + " is outside the plausible range " + show(from) + " to " + show(to)
                + " (a time in the wrong unit? for data outside that range give --time-range FROM..TO)";
    }

    private static String show(long millis) {
        return UtcTime.format(millis);
    }
}
