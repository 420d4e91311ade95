package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The epoch times of one file: one unit throughout (told by the first time's magnitude; a file whose unit changes is
 * refused at the line where it does, whatever {@code --skip-bad-rows} says, since its other rows cannot be trusted
 * either), a unit the format allows, and every time inside the plausible {@link TimeWindow}.
 */
final class FileTimes {
    private final Path file;
    private final String format;
    private final Set<EpochUnit> allowed;
    private final TimeWindow window;
    private EpochUnit unit;
    private long unitLine;
    private final ImportOptions.Text text;
    private Boolean numeric; // epoch numbers or text, decided by the first time read as text
    private TimeText form; // the file's form of text times when it is not ISO-8601 (or --time-format)
    private TimeText slash; // slash dates with the year last, day or month first as the file's dates tell
    private boolean slashRead;

    FileTimes(Path file, String format, Set<EpochUnit> allowed, TimeWindow window) {
        this(file, format, allowed, window, ImportOptions.Text.STANDARD);
    }

    /** As {@link #FileTimes(Path, String, Set, TimeWindow)}, reading text times as {@code text} says. */
    FileTimes(Path file, String format, Set<EpochUnit> allowed, TimeWindow window, ImportOptions.Text text) {
        this.file = file;
        this.text = text;
        if (text.timeFormat() != null) {
            this.numeric = false;
            this.form = TimeText.of(text.timeFormat());
        }
        this.format = format;
        this.allowed = EnumSet.copyOf(allowed);
        this.window = window;
    }

    /** Epoch milliseconds of {@code raw}, or {@link Long#MIN_VALUE} after recording the row's problem. */
    long millis(TimeOrder.ProblemSink sink, long line, String field, double raw) {
        EpochUnit u = EpochUnit.of(raw);
        if (unit == null) {
            if (!allowed.contains(u)) {
                sink.problem(field, raw(raw) + " is epoch " + u + " by its size, but " + format + " takes epoch "
                        + allowed.stream().map(EpochUnit::toString).collect(Collectors.joining(" or "))
                        + " (is this the right --format?)");
                return Long.MIN_VALUE;
            }
            long ms = u.toMillis(raw);
            if (!within(sink, field, ms)) {
                return Long.MIN_VALUE; // a damaged first time does not decide the file's unit
            }
            unit = u;
            unitLine = line;
            return ms;
        } else if (u != unit) {
            throw new ImportException(file, List.of(new RowProblem(line, field, "the time unit changes from " + unit
                    + " (line " + unitLine + " on) to " + u + " (" + raw(raw) + ")")), 1,
                    "a file must keep one time unit: fix or split it");
        }
        long ms = u.toMillis(raw);
        return within(sink, field, ms) ? ms : Long.MIN_VALUE;
    }

    /**
     * Epoch milliseconds of a time written as text: an epoch number (its unit told as {@link #millis} does), an
     * ISO-8601 date-time ({@link io.atlasj.marketdata.UtcTime#parseIso}) or another form {@link TimeText} knows or
     * {@code --time-format} gives, whichever the file's first time is; times without an offset are in
     * {@code --time-zone}, else UTC. Returns {@link Long#MIN_VALUE} after recording the row's problem.
     */
    long parse(TimeOrder.ProblemSink sink, long line, String field, String raw) {
        if (numeric != null) {
            return parseAs(numeric, form, sink, line, field, raw);
        }
        // the file's kind of times is told by its first time that reads, so a bad first row does not decide it
        if (raw.isBlank()) {
            sink.problem(field, "empty, a time is required");
            return Long.MIN_VALUE;
        }
        boolean isNumeric = isNumber(raw);
        if (isNumeric && text.zoneGiven()) {
            throw new ImportException(file, "--time-zone is for times written without an offset, and this file's "
                    + "times are epoch numbers (UTC by definition; line " + line + ": '" + CsvRow.abbreviate(raw)
                    + "'): leave it out");
        }
        TimeText f = isNumeric || isIso(raw) ? null : TimeText.detect(raw).orElse(null);
        if (f == null && !isNumeric && TimeText.isSlashYearLast(raw)) {
            f = slashOrder(raw); // day or month first, told by the file's dates (null: they do not tell)
        }
        long ms = parseAs(isNumeric, f, sink, line, field, raw);
        if (ms != Long.MIN_VALUE) {
            numeric = isNumeric;
            form = f;
        }
        return ms;
    }

    /** The file's slash-date form ({@link TimeText#slashOrder}), read once. */
    private TimeText slashOrder(String sample) {
        if (!slashRead) {
            slashRead = true;
            try {
                slash = TimeText.slashOrder(file, sample);
            } catch (java.io.IOException e) {
                throw new ImportException(file, "cannot read: " + e.getMessage() + (e instanceof java.io.EOFException
                        || e instanceof java.util.zip.ZipException ? " (the compressed file is cut short or damaged: "
                        + "download it again)" : ""));
            }
        }
        return slash;
    }

    private long parseAs(boolean isNumeric, TimeText f, TimeOrder.ProblemSink sink, long line, String field,
                         String raw) {
        if (isNumeric) {
            try {
                return millis(sink, line, field, Double.parseDouble(raw));
            } catch (NumberFormatException e) {
                sink.problem(field, "not a number: '" + CsvRow.abbreviate(raw) + "' (earlier rows gave numeric times)");
                return Long.MIN_VALUE;
            }
        }
        if (f != null) {
            String[] why = new String[1];
            Long ms;
            try {
                ms = f.millis(raw, text.zoneOrUtc(), why);
            } catch (java.time.DateTimeException e) {
                sink.problem(field, "not a time of the form " + f.name() + ": '" + CsvRow.abbreviate(raw) + "'");
                return Long.MIN_VALUE;
            }
            if (ms == null) {
                sink.problem(field, why[0]);
                return Long.MIN_VALUE;
            }
            return within(sink, field, ms) ? ms : Long.MIN_VALUE;
        }
        if (text.zoneGiven() && !hasOffset(raw)) {
            try {
                String s = raw.trim();
                return zoned(sink, field, s.length() == 10 ? java.time.LocalDate.parse(s).atStartOfDay()
                        : java.time.LocalDateTime.parse(isoT(s)));
            } catch (java.time.format.DateTimeParseException e) {
                // not ISO: said below
            }
        }
        java.util.OptionalLong iso = io.atlasj.marketdata.UtcTime.parseIso(raw);
        if (iso.isEmpty()) {
            String hint = TimeText.hint(raw);
            sink.problem(field, "not an epoch number or ISO-8601 date-time: '" + CsvRow.abbreviate(raw) + "'"
                    + (hint != null ? "; " + hint : ""));
            return Long.MIN_VALUE;
        }
        return within(sink, field, iso.getAsLong()) ? iso.getAsLong() : Long.MIN_VALUE;
    }

    /** Whether an ISO-8601 text ends with an offset ({@code Z}, {@code +02:00}, {@code -0500}). */
    private static boolean hasOffset(String raw) {
        String s = raw.trim();
        return s.length() > 10 && (s.endsWith("Z") || s.endsWith("z") || s.indexOf('+', 10) >= 0
                || s.indexOf('-', 10) >= 0);
    }

    private long zoned(TimeOrder.ProblemSink sink, String field, java.time.LocalDateTime local) {
        String[] why = new String[1];
        Long ms = TimeText.inZone(local, text.zoneOrUtc(), why);
        if (ms == null) {
            sink.problem(field, why[0]);
            return Long.MIN_VALUE;
        }
        return within(sink, field, ms) ? ms : Long.MIN_VALUE;
    }

    private static String isoT(String raw) {
        String s = raw.trim();
        return s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    }

    private static boolean isIso(String raw) {
        return io.atlasj.marketdata.UtcTime.parseIso(raw).isPresent();
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code millis} is plausible; if not, the row's problem is recorded. */
    boolean within(TimeOrder.ProblemSink sink, String field, long millis) {
        String p = window.problem(millis);
        if (p != null) {
            sink.problem(field, p);
            return false;
        }
        return true;
    }

    EpochUnit unit() {
        return unit;
    }

    private static String raw(double v) {
        return v == Math.rint(v) && Math.abs(v) < 9e18 ? Long.toString((long) v) : Double.toString(v);
    }
}
