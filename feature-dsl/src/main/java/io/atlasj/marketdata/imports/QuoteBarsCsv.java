package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Bid and ask bars from a CSV (and, through {@link ColumnarRows}, from Parquet and Arrow files), the bar form of {@code quotes-csv} (see {@link QuotesCsvParser}): {@code time,
 * bid_open, bid_high, bid_low, bid_close[, bid_size], ask_open, ask_high, ask_low, ask_close[, ask_size]}, with the
 * names {@code atlas data export --format csv} writes, their forms without the underscore ({@code bidopen}) and
 * {@code open_bid}-style ones. Other columns (an export's {@code source}) are ignored.
 */
final class QuoteBarsCsv {
    private static final String[] SIDES = {"bid", "ask"};
    private static final String[] PARTS = {"open", "high", "low", "close", "size"};
    private static final List<String> REQUIRED = List.of("time", "bid_open", "bid_high", "bid_low", "bid_close",
            "ask_open", "ask_high", "ask_low", "ask_close");
    private static final Map<String, String> NAMES = names();
    private static final CsvColumns COLUMNS = CsvColumns.of(NAMES, REQUIRED,
            "time,bid_open,bid_high,bid_low,bid_close,bid_size,ask_open,ask_high,ask_low,ask_close,ask_size",
            "the sizes may be left out");

    private QuoteBarsCsv() {
    }

    private static Map<String, String> names() {
        Map<String, String> m = new HashMap<>();
        for (String side : SIDES) {
            for (String part : PARTS) {
                String canonical = side + "_" + part;
                m.put(canonical, canonical);
                m.put(side + part, canonical);
                m.put(part + "_" + side, canonical);
            }
        }
        return Map.copyOf(m);
    }

    private static boolean isNumber(List<String> fields, int column) {
        if (column >= fields.size()) {
            return false;
        }
        try {
            CsvRow.parseDouble(fields.get(column).trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code names} (lower case) name every bid and ask open, high, low and close. */
    static boolean hasEveryBarColumn(List<String> names) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String n : names) {
            String c = NAMES.get(n);
            if (c != null) {
                found.add(c);
            }
        }
        return found.containsAll(REQUIRED.subList(1, REQUIRED.size()));
    }

    /** Whether {@code name} (lower case) names a bid or ask bar's open, high, low or close. */
    static boolean isBarColumn(String name) {
        String c = NAMES.get(name);
        return c != null && !c.endsWith("_size");
    }

    static ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems, options.text().decimalComma());
        Map<String, Integer> columns = null;
        TimeColumns timeOf = null;
        int width = 0;
        if (options.columns() != null) {
            columns = COLUMNS.map(file, Arrays.asList(options.columns().split(",")), "--columns");
            width = options.columns().split(",").length;
            timeOf = new TimeColumns(file, "quotes-csv", options, columns);
        }
        List<long[]> times = new ArrayList<>(); // {time, line}
        List<double[]> values = new ArrayList<>();
        long rows = 0;
        boolean sawHeader = false;
        try (CsvFile csv = new CsvFile(file, progress, options.delimiter())) {
            for (CsvFile.Record rec : csv) {
                List<String> fields = rec.fields();
                // with --columns, a first row whose bid open is not a number is the file's own header
                boolean headerRow = !sawHeader && rows == 0 && (options.columns() == null
                        ? fields.stream().anyMatch(f -> isBarColumn(f.trim().toLowerCase(Locale.ROOT)))
                        : !isNumber(fields, columns.get("bid_open")));
                if (headerRow) {
                    if (columns == null) {
                        List<String> header = fields.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
                        columns = COLUMNS.map(file, header, "the header on line " + rec.line());
                        width = header.size();
                        timeOf = new TimeColumns(file, "quotes-csv", options, columns);
                    }
                    sawHeader = true;
                    continue;
                }
                rows++;
                if (!row.reset(fields, rec.line(), width, width)) {
                    continue;
                }
                long time = timeOf.millis(row);
                double[] v = values(row, columns);
                if (row.bad()) {
                    continue;
                }
                times.add(new long[] {time, rec.line()});
                values.add(v);
            }
        }
        return bars(file, options, market, problems, rows, sawHeader, times, values);
    }

    /** The columns named {@code names} (described as {@code where} in messages), as {@code quotes-csv} bars. */
    static Map<String, Integer> mapColumns(Path file, List<String> names, String where) {
        return COLUMNS.map(file, names, where);
    }

    /**
     * A row's bid open, high, low, close, size and ask open, high, low, close, size (NaN for a size the file lacks or
     * leaves empty), each checked; the row is marked bad when one is not right.
     */
    static double[] values(CsvRow row, Map<String, Integer> columns) {
        double[] v = new double[10];
        for (int s = 0; s < 2; s++) {
            String side = SIDES[s];
            for (int p = 0; p < 4; p++) {
                String name = side + "_" + PARTS[p];
                v[5 * s + p] = row.positive(columns.get(name), name);
            }
            String size = side + "_size";
            Integer c = columns.get(size);
            v[5 * s + 4] = c != null && !row.text(c).isEmpty() ? row.nonNegative(c, size) : Double.NaN;
            row.checkOhlc(side + "_", v[5 * s], v[5 * s + 1], v[5 * s + 2], v[5 * s + 3]);
        }
        if (!row.bad() && v[8] < v[3]) {
            row.problem("ask_close", "ask close " + v[8] + " is below bid close " + v[3] + " (a crossed quote)");
        }
        return v;
    }

    /**
     * The quote bars of a file's good rows ({@code times}: {time, line or row}; {@code values}: as {@link #values}),
     * as {@link OhlcvCsvParser#candles} makes candles: in time order, on the timeframe given or the smallest step.
     */
    static ParsedFile bars(Path file, ImportOptions options, Market market, Problems problems, long rows,
                           boolean sawHeader, List<long[]> times, List<double[]> values) {
        Timeframe tf = OhlcvCsvParser.timeframeInOrder(file, options, problems, rows, sawHeader, "quote bars", times,
                values);
        QuoteCandleSeries.Builder out = QuoteCandleSeries.builder(market, tf);
        OhlcvCsvParser.eachInOrder(tf, options, problems, times, values, (t, v) -> out.add(t, v[0], v[1], v[2], v[3],
                v[4], v[5], v[6], v[7], v[8], v[9], CandleSource.IMPORTED));
        problems.throwIfRejected();
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(), List.of(), List.of(),
                List.of(), List.of(out.build()), 0);
    }
}
