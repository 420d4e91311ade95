package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.UtcTime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The rows of a tick file (trades, quote ticks) on their way to a series: read from a CSV whose columns are named by
 * a header or {@code --columns}, and put in time order with each one's ordinal within its millisecond. One way for
 * {@code trades-csv}, {@code quotes-csv}'s ticks, and the Parquet and Arrow files whose columns are ticks.
 *
 * @param rows      data rows read, good and bad
 * @param sawHeader whether the file had a header row
 * @param times     per good row {time, line}
 * @param values    per good row its checked values
 */
record TickRows(Problems problems, long rows, boolean sawHeader, List<long[]> times, List<double[]> values) {
    /** How a format names its columns. */
    interface Columns {
        Map<String, Integer> map(Path file, List<String> names, String where);
    }

    /** How a format reads a row's values (marking the row bad when one is wrong). */
    interface Values {
        double[] of(CsvRow row, Map<String, Integer> columns);
    }

    /**
     * Whether a record beside {@code --columns} is the file's own header: its time field starts with a letter or
     * {@code <} (a time written as numbers starts with a digit or a sign) and none of its fields is a number (a data
     * row has prices, even when its times are words, {@code Mar 13 2023}, and some fields are words, a side).
     */
    static boolean isHeader(List<String> fields, int timeColumn) {
        String t = timeColumn < fields.size() ? fields.get(timeColumn).trim() : "";
        if (t.isEmpty() || !(Character.isLetter(t.charAt(0)) || t.charAt(0) == '<')) {
            return false;
        }
        for (String f : fields) {
            try {
                CsvRow.parseDouble(f.trim().replace(',', '.')); // a decimal comma's number is a number too
                return false;
            } catch (NumberFormatException e) {
                // a word: as a header's
            }
        }
        return true;
    }

    /** What receives each tick in time order: its time, ordinal within the millisecond, line (or row) and values. */
    interface Sink {
        void add(long time, long seq, long line, double[] values);
    }

    /**
     * Reads {@code file} as a CSV of ticks: a header names the columns (or {@code --columns} does, and a header row
     * beside it is passed over); each row's time is read by {@link FileTimes} (epoch s/ms/µs/ns or ISO-8601, one unit
     * through the file), its values by {@code values}.
     */
    static TickRows readCsv(Path file, ImportOptions options, String format, LongConsumer progress, Columns columnsOf,
                            Values values) throws IOException {
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems, options.text().decimalComma());
        Map<String, Integer> columns = null;
        TimeColumns timeOf = null;
        int width = 0;
        if (options.columns() != null) {
            List<String> given = Arrays.asList(options.columns().split(","));
            columns = columnsOf.map(file, given, "--columns");
            width = given.size();
            timeOf = new TimeColumns(file, format, options, columns);
        }
        List<long[]> times = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        long rows = 0;
        boolean sawHeader = false;
        try (CsvFile csv = new CsvFile(file, progress, options.delimiter())) {
            for (CsvFile.Record rec : csv) {
                List<String> fields = rec.fields();
                // with --columns, a first row whose time field starts with a letter is the file's header (a time
                // starts with a digit or a sign: epoch numbers, ISO text); other fields may well be words (a side)
                boolean header = false;
                if (columns != null && !sawHeader && rows == 0) {
                    header = isHeader(fields, columns.get("time"));
                }
                if (columns == null || header) {
                    if (columns == null) {
                        List<String> names = fields.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
                        columns = columnsOf.map(file, names, "the header on line " + rec.line());
                        width = names.size();
                        timeOf = new TimeColumns(file, format, options, columns);
                    }
                    sawHeader = true;
                    continue;
                }
                rows++;
                if (!row.reset(fields, rec.line(), width, width)) {
                    continue;
                }
                long time = timeOf.millis(row);
                double[] v = values.of(row, columns);
                if (!row.bad()) {
                    times.add(new long[] {time, rec.line()});
                    vals.add(v);
                }
            }
        }
        return new TickRows(problems, rows, sawHeader, times, vals);
    }

    /**
     * The good rows in time order, each with its ordinal among the rows of its millisecond (file order), into
     * {@code sink}: a newest-first file is turned round, a row earlier than the one before is a bad row; the file is
     * refused when it has no rows ({@code noun} names them), none good, or bad rows the user did not ask to skip.
     */
    void inTimeOrder(Path file, String noun, Sink sink) {
        if (rows == 0) {
            throw new ImportException(file, sawHeader ? "a header but no " + noun : "no " + noun + " (an empty file?)");
        }
        if (times.isEmpty() && problems.count() > 0) {
            problems.reject("none of " + rows + " rows could be read");
        }
        if (times.size() >= 2 && times.get(0)[0] > times.get(times.size() - 1)[0]) {
            Collections.reverse(times);
            Collections.reverse(values);
        }
        long prev = Long.MIN_VALUE;
        long seq = 0;
        for (int i = 0; i < times.size(); i++) {
            long t = times.get(i)[0];
            if (t < prev) {
                problems.sinkFor(times.get(i)[1]).problem("time", "goes back in time: " + UtcTime.format(t)
                        + " after " + UtcTime.format(prev) + " (a file must be in time order, oldest or newest first)");
                continue;
            }
            seq = t == prev ? seq + 1 : 0;
            prev = t;
            sink.add(t, seq, times.get(i)[1], values.get(i));
        }
        problems.throwIfRejected();
    }
}
