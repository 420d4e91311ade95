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
    private Boolean numeric; // epoch numbers or ISO text, decided by the first time read as text

    FileTimes(Path file, String format, Set<EpochUnit> allowed, TimeWindow window) {
        this.file = file;
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
            unit = u;
            unitLine = line;
        } else if (u != unit) {
            throw new ImportException(file, List.of(new RowProblem(line, field, "the time unit changes from " + unit
                    + " (line " + unitLine + " on) to " + u + " (" + raw(raw) + ")")), 1,
                    "a file must keep one time unit: fix or split it");
        }
        long ms = u.toMillis(raw);
        return within(sink, field, ms) ? ms : Long.MIN_VALUE;
    }

    /**
     * Epoch milliseconds of a time written as text: an epoch number (its unit told as {@link #millis} does) or an
     * ISO-8601 date-time ({@link io.atlasj.marketdata.UtcTime#parseIso}), whichever the file's first time is; or
     * {@link Long#MIN_VALUE} after recording the row's problem.
     */
    long parse(TimeOrder.ProblemSink sink, long line, String field, String text) {
        if (numeric == null) {
            numeric = isNumber(text);
        }
        if (numeric) {
            try {
                return millis(sink, line, field, Double.parseDouble(text));
            } catch (NumberFormatException e) {
                sink.problem(field, "not a number: '" + text + "' (earlier rows gave numeric times)");
                return Long.MIN_VALUE;
            }
        }
        java.util.OptionalLong iso = io.atlasj.marketdata.UtcTime.parseIso(text);
        if (iso.isEmpty()) {
            sink.problem(field, "not an epoch number or ISO-8601 UTC date-time: '" + text + "'");
            return Long.MIN_VALUE;
        }
        return within(sink, field, iso.getAsLong()) ? iso.getAsLong() : Long.MIN_VALUE;
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
