package io.atlasj.marketdata.imports;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalQueries;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A file's times written as text in a form other than ISO-8601, told from its first time, or given by a pattern
 * ({@code --time-format}): the forms that trading tools write and that cannot be misread.
 *
 * <ul>
 *   <li>{@code 2023.03.13 18:05[:00]}: MetaTrader (its date and time columns joined);</li>
 *   <li>{@code 13.03.2023 18:05:00.000}: Dukascopy and European spreadsheets (a date with dots is day first);</li>
 *   <li>{@code 20230313 180500}: histdata.com and NinjaTrader;</li>
 *   <li>{@code 2023/03/13 18:05}: year first.</li>
 * </ul>
 * A date with slashes and the year last ({@code 03/04/2023}) is March 4 in the US and 3 April elsewhere: nothing in
 * one row tells which. The file tells when one of its dates has a part after 12 ({@code 03/13/2023} is month first,
 * {@code 13/03/2023} day first, {@link #slashOrder}); a file none of whose dates does (its first twelve days of a
 * month), or whose dates say both, is refused with the way out ({@code --time-format 'MM/dd/yyyy HH:mm'} or
 * {@code 'dd/MM/yyyy HH:mm'}): it would otherwise be stored a month off without a word.
 */
final class TimeText {
    /** A form: its name in messages, a pattern that recognises it, and its formatter. */
    private record Form(String name, Pattern shape, DateTimeFormatter formatter) {
    }

    /** An optional time of day after a date: {@code 18:05}, {@code 18:05:00}, {@code 18:05:00.250}. */
    private static final String CLOCK = "( \\d{2}:\\d{2}(:\\d{2}(\\.\\d{3})?)?)?";

    private static final List<Form> FORMS = List.of(
            form("yyyy.MM.dd HH:mm[:ss][.SSS] (MetaTrader)", "\\d{4}\\.\\d{2}\\.\\d{2}" + CLOCK,
                    "uuuu.MM.dd[ HH:mm[:ss][.SSS]]"),
            form("dd.MM.yyyy HH:mm[:ss][.SSS] (day first)", "\\d{2}\\.\\d{2}\\.\\d{4}" + CLOCK,
                    "dd.MM.uuuu[ HH:mm[:ss][.SSS]]"),
            form("yyyyMMdd HHmmss", "\\d{8} \\d{6}", "uuuuMMdd HHmmss"),
            form("yyyyMMdd HH:mm[:ss][.SSS] (TrueFX)", "\\d{8}" + CLOCK, "uuuuMMdd[ HH:mm[:ss][.SSS]]"),
            form("yyyy/MM/dd HH:mm[:ss]", "\\d{4}/\\d{1,2}/\\d{1,2}( \\d{1,2}:\\d{2}(:\\d{2})?)?",
                    "uuuu/M/d[ H:mm[:ss]]"));

    private static final Pattern SLASH_YEAR_LAST = Pattern.compile("\\d{1,2}/\\d{1,2}/\\d{2,4}([ T].*)?");
    private static final Pattern TIME_OF_DAY = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?|\\d{6}");

    private final String name;
    private final DateTimeFormatter formatter;

    private TimeText(String name, DateTimeFormatter formatter) {
        this.name = name;
        this.formatter = formatter;
    }

    private static Form form(String name, String shape, String pattern) {
        return new Form(name, Pattern.compile(shape), strict(pattern));
    }

    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder().appendPattern(pattern)
                .toFormatter(java.util.Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    }

    /**
     * The form given by {@code --time-format}: {@code y} outside quoted text is read as the year ({@code u}), as
     * users write it (with {@code STRICT} resolution, {@code y} is the year of an era and needs one).
     */
    static TimeText of(String pattern) {
        StringBuilder p = new StringBuilder(pattern.length());
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            quoted ^= c == '\'';
            p.append(!quoted && c == 'y' ? 'u' : c);
        }
        return new TimeText("'" + pattern + "' (--time-format)", strict(p.toString()));
    }

    /** The known form of {@code text}, if it has one. */
    static Optional<TimeText> detect(String text) {
        String t = text.trim();
        return FORMS.stream().filter(f -> f.shape.matcher(t).matches()).findFirst()
                .map(f -> new TimeText(f.name, f.formatter));
    }

    /** Why {@code text} has no form Atlas reads without being told, and what to write; null when nothing is known. */
    static String hint(String text) {
        String t = text.trim();
        if (SLASH_YEAR_LAST.matcher(t).matches()) {
            return "a date with slashes and the year last is day first in some places and month first in others "
                    + "(03/04/2023), and no date of this file has a day after the 12th to tell: give --time-format, "
                    + "e.g. --time-format 'MM/dd/yyyy HH:mm' or 'dd/MM/yyyy HH:mm'";
        }
        return null;
    }

    /** Whether {@code text} is a date with slashes and the year last (with a time of day or not). */
    static boolean isSlashYearLast(String text) {
        return SLASH_YEAR_LAST.matcher(text.trim()).matches();
    }

    /** A slash date anywhere in a line: day or month, day or month, year. */
    private static final Pattern SLASH_DATE = Pattern.compile("(?<![\\d/])(\\d{1,2})/(\\d{1,2})/(\\d{2,4})(?![\\d/])");
    /** A time of day after a date, with AM or PM. */
    private static final Pattern AM_PM = Pattern.compile("(?i).*\\d\\s*[AP]M\\s*");

    /**
     * The form of a file's slash dates with the year last, told by its dates ({@code sample} is one of them): month
     * first when one has a second part after 12 and none a first part after 12, day first the other way round; null
     * when no date tells. The time of day after the date is read as {@code sample} writes it ({@code 18:05},
     * {@code 18:05:00}, {@code 6:05 PM}).
     *
     * @throws ImportException when the file's dates say both (naming a line of each)
     */
    static TimeText slashOrder(java.nio.file.Path file, String sample) throws java.io.IOException {
        long dayLine = 0;
        long monthLine = 0;
        String dayText = null;
        String monthText = null;
        try (java.io.BufferedReader r = InputFiles.open(file, n -> { })) {
            long line = 0;
            for (String l; (l = r.readLine()) != null && (dayLine == 0 || monthLine == 0); ) {
                line++;
                java.util.regex.Matcher m = SLASH_DATE.matcher(l);
                while (m.find()) {
                    int a = Integer.parseInt(m.group(1));
                    int b = Integer.parseInt(m.group(2));
                    if (a > 12 && b <= 12 && dayLine == 0) {
                        dayLine = line;
                        dayText = m.group();
                    } else if (b > 12 && a <= 12 && monthLine == 0) {
                        monthLine = line;
                        monthText = m.group();
                    }
                }
            }
        }
        if (dayLine > 0 && monthLine > 0) {
            throw new ImportException(file, "its slash dates are day first on line " + dayLine + " (" + dayText
                    + ") and month first on line " + monthLine + " (" + monthText + "): give --time-format for the "
                    + "one the file means, e.g. 'dd/MM/yyyy HH:mm' or 'MM/dd/yyyy HH:mm', and fix the other rows");
        }
        if (dayLine == 0 && monthLine == 0) {
            return null;
        }
        boolean dayFirst = dayLine > 0;
        java.util.regex.Matcher d = SLASH_DATE.matcher(sample.trim());
        String year = d.lookingAt() && d.group(3).length() == 2 ? "uu" : "uuuu";
        String date = (dayFirst ? "d/M/" : "M/d/") + year;
        DateTimeFormatter f = new DateTimeFormatterBuilder().parseCaseInsensitive()
                .appendPattern(AM_PM.matcher(sample).matches() ? date + " h:mm[:ss][ ]a" : date + "[ H:mm[:ss][.SSS]]")
                .toFormatter(java.util.Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
        return new TimeText((dayFirst ? "dd/MM/yyyy, day first (line " + dayLine + ": " + dayText + ")"
                : "MM/dd/yyyy, month first (line " + monthLine + ": " + monthText + ")"), f);
    }

    /** Whether {@code text} is a time of day alone, as in the second of a date and a time column. */
    static boolean isTimeOfDay(String text) {
        return TIME_OF_DAY.matcher(text.trim()).matches();
    }

    String name() {
        return name;
    }

    /**
     * The local date-time of {@code text} in this form (midnight when the form has no time of day).
     *
     * @throws java.time.DateTimeException when it is not in this form
     */
    LocalDateTime parse(String text) {
        return local(formatter.parse(text.trim()));
    }

    private static LocalDateTime local(TemporalAccessor a) {
        return LocalDateTime.of(LocalDate.from(a), timeOfDay(a));
    }

    /**
     * The time of day of a parse: midnight for a form without one (a date alone); a form with time fields that do not
     * make a time of day ({@code hh} without {@code a}, minutes without an hour) is an error, never midnight.
     */
    private static LocalTime timeOfDay(TemporalAccessor a) {
        LocalTime t = a.query(TemporalQueries.localTime());
        if (t != null) {
            return t;
        }
        for (java.time.temporal.ChronoField f : List.of(java.time.temporal.ChronoField.CLOCK_HOUR_OF_AMPM,
                java.time.temporal.ChronoField.HOUR_OF_AMPM, java.time.temporal.ChronoField.MINUTE_OF_HOUR,
                java.time.temporal.ChronoField.SECOND_OF_MINUTE, java.time.temporal.ChronoField.HOUR_OF_DAY)) {
            if (a.isSupported(f)) {
                throw new java.time.DateTimeException("its time fields do not make a time of day (hh needs a, "
                        + "AM/PM; or write HH)");
            }
        }
        return LocalTime.MIDNIGHT;
    }

    /**
     * Checks a {@code --time-format} pattern once: a time of 13:05:07 written in it must read back as itself (as far
     * as the pattern writes it), so a pattern whose time fields cannot make a time of day is refused before any row.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(String pattern) {
        TimeText t = of(pattern);
        // zoned, so that a pattern with an offset or a zone can write it
        java.time.ZonedDateTime probe = LocalDateTime.of(2023, 3, 13, 13, 5, 7).atZone(ZoneId.of("Europe/Athens"));
        try {
            t.parse(t.formatter.format(probe));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("--time-format '" + pattern + "' cannot read back the times it writes ("
                    + e.getMessage() + "); e.g. 'MM/dd/yyyy HH:mm' or 'MM/dd/yyyy hh:mm a'");
        }
    }

    /**
     * Epoch milliseconds of {@code text} in this form: at its own offset or zone when the form has one (a
     * {@code --time-format} with {@code XXX} or {@code VV}), else in {@code zone}; null with the reason in
     * {@code why[0]} when a local time does not exist in the zone or exists twice.
     *
     * @throws java.time.DateTimeException when it is not in this form
     */
    Long millis(String text, ZoneId zone, String[] why) {
        TemporalAccessor a = formatter.parse(text.trim());
        LocalDateTime local = local(a);
        ZoneId own = a.query(TemporalQueries.zone()); // an offset or a region written in the text
        return inZone(local, own != null ? own : zone, why);
    }

    /**
     * Epoch milliseconds of a local date-time in {@code zone}; null with the reason in {@code why[0]} when the time
     * does not exist there (the clocks jumped over it) or exists twice (the clocks went back).
     */
    static Long inZone(LocalDateTime t, ZoneId zone, String[] why) {
        if (zone instanceof ZoneOffset offset) {
            return t.toInstant(offset).toEpochMilli();
        }
        List<ZoneOffset> valid = zone.getRules().getValidOffsets(t);
        if (valid.size() == 1) {
            return t.toInstant(valid.get(0)).toEpochMilli();
        }
        why[0] = t + (valid.isEmpty() ? " does not exist in " + zone + " (the clocks jumped over it)"
                : " occurs twice in " + zone + " (the clocks went back)")
                + ": a file of local times cannot say which; export it in UTC or a fixed offset (--time-zone -05:00)";
        return null;
    }
}
