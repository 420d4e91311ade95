package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The time of each row of a CSV file, from its time column, or from two: a date and a time of day (MetaTrader's
 * {@code <DATE>,<TIME>}, joined with a space, as {@code --time-format} then reads them), or the same time written twice (CryptoDataDownload's {@code unix,date}: the first is
 * read, and the two must agree on the first row, else the file is refused naming both).
 */
final class TimeColumns {
    private enum Two { UNDECIDED, JOIN_DATE_FIRST, JOIN_TIME_FIRST, FIRST }

    private final Path file;
    private final int time;
    private final int time2;
    private final FileTimes times;
    private final FileTimes check;
    private Two two = Two.UNDECIDED;

    TimeColumns(Path file, String format, ImportOptions options, Map<String, Integer> columns) {
        this.file = file;
        this.time = columns.get("time");
        this.time2 = columns.getOrDefault(CsvColumns.TIME2, -1);
        this.times = new FileTimes(file, format, EnumSet.allOf(EpochUnit.class), options.timeWindow(), options.text());
        this.check = new FileTimes(file, format, EnumSet.allOf(EpochUnit.class), options.timeWindow(), options.text());
    }

    /** Epoch milliseconds of the row's time, or {@link Long#MIN_VALUE} after recording its problem. */
    long millis(CsvRow row) {
        String a = row.text(time);
        if (time2 < 0) {
            return times.parse(row::problem, row.line(), "time", a);
        }
        String b = row.text(time2);
        if (two == Two.UNDECIDED) {
            // a time of day beside something else (a date in any form, even one --time-format reads) is joined
            // (decided on the first row whose joined time reads, so a damaged first row decides nothing)
            if (TimeText.isTimeOfDay(b) && !TimeText.isTimeOfDay(a) && !a.isEmpty()) {
                long t = times.parse(row::problem, row.line(), "time", a + " " + b);
                two = t != Long.MIN_VALUE ? Two.JOIN_DATE_FIRST : Two.UNDECIDED;
                return t;
            } else if (TimeText.isTimeOfDay(a) && !TimeText.isTimeOfDay(b) && !b.isEmpty()) {
                long t = times.parse(row::problem, row.line(), "time", b + " " + a);
                two = t != Long.MIN_VALUE ? Two.JOIN_TIME_FIRST : Two.UNDECIDED;
                return t;
            } else {
                long t = times.parse(row::problem, row.line(), "time", a);
                long u = check.parse(row::problem, row.line(), "time", b);
                if (row.bad()) {
                    return Long.MIN_VALUE; // decided on the first good row
                }
                if (t != u) {
                    throw new ImportException(file, List.of(new RowProblem(row.line(), "time", "the file has two "
                            + "time columns (" + (time + 1) + " and " + (time2 + 1) + ") and they disagree: '" + a
                            + "' is " + io.atlasj.marketdata.UtcTime.format(t) + ", '" + b + "' is "
                            + io.atlasj.marketdata.UtcTime.format(u))), 1,
                            "name the one to read with --columns and write _ for the other");
                }
                two = Two.FIRST;
                return t;
            }
        }
        return switch (two) {
            case JOIN_DATE_FIRST -> times.parse(row::problem, row.line(), "time", a + " " + b);
            case JOIN_TIME_FIRST -> times.parse(row::problem, row.line(), "time", b + " " + a);
            default -> times.parse(row::problem, row.line(), "time", a);
        };
    }
}
