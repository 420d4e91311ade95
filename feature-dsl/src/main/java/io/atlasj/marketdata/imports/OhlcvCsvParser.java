package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Generic OHLCV CSV. The columns are named by {@code --columns time,open,high,low,close,volume} (in file order,
 * {@code _} for a column to skip) or by the header row. Required: time, open, high, low, close, volume; optional:
 * quote_volume, trades, taker_buy_volume (header synonyms such as timestamp, date, datetime, timestamp_utc, unix,
 * vol are understood). Read through {@link CsvFile}: quoted fields, a byte-order mark, and a {@code ,} {@code ;} tab
 * or {@code |} delimiter. Times are epoch seconds, milliseconds, microseconds or nanoseconds (the unit is told by
 * the magnitude of the first time and must not change, see {@link FileTimes}) or ISO-8601 date-times, in UTC or
 * with an offset ({@code 2024-01-31T12:00:00Z}, {@code 2024-01-31 12:00:00}, pandas' {@code 2024-01-31
 * 12:00:00+00:00}, {@code 2024-01-31}). Newest-first files are read in time order. The timeframe comes from
 * {@code --timeframe}, else the smallest step between rows.
 */
final class OhlcvCsvParser implements FileParser {
    private static final List<String> REQUIRED = List.of("time", "open", "high", "low", "close");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("vol", "volume"), Map.entry("volume_base", "volume"),
            Map.entry("open", "open"), Map.entry("high", "high"), Map.entry("low", "low"), Map.entry("close", "close"),
            Map.entry("volume", "volume"), Map.entry("quote_volume", "quote_volume"), Map.entry("trades", "trades"),
            Map.entry("count", "trades"), Map.entry("trade_count", "trades"),
            Map.entry("taker_buy_volume", "taker_buy_volume"));

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems, options.text().decimalComma());
        Map<String, Integer> columns = null;
        TimeColumns timeOf = null;
        int width = 0;
        if (options.columns() != null) {
            columns = mapColumns(file, Arrays.asList(options.columns().split(",")), "--columns", options.symbol());
            width = options.columns().split(",").length;
            timeOf = new TimeColumns(file, "ohlcv-csv", options, columns);
        }
        List<long[]> times = new ArrayList<>(); // {time, line}
        List<double[]> values = new ArrayList<>();
        long rows = 0;
        long lineNo = 0;
        boolean firstRecord = true;
        boolean sawHeader = false;
        int preamble = 0;
        try (CsvFile csv = new CsvFile(file, progress, options.delimiter())) {
            for (CsvFile.Record rec : csv) {
                lineNo = rec.line();
                List<String> fields = rec.fields();
                if (firstRecord && fields.size() == 1 && preamble < MAX_PREAMBLE) {
                    preamble++; // a title or a web address above the header (CryptoDataDownload's files)
                    continue;
                }
                if (columns == null) {
                    List<String> header = fields.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
                    columns = mapColumns(file, header, "the header on line " + lineNo, options.symbol());
                    timeOf = new TimeColumns(file, "ohlcv-csv", options, columns);
                    width = header.size();
                    firstRecord = false;
                    sawHeader = true;
                    continue;
                }
                if (firstRecord && TickRows.isHeader(fields, columns.get("time"))) {
                    firstRecord = false;
                    sawHeader = true;
                    continue; // the file's own header beside --columns
                }
                firstRecord = false;
                rows++;
                if (!row.reset(fields, lineNo, width, width)) {
                    continue;
                }
                long[] t = {timeOf.millis(row), lineNo};
                double[] v = values(row, columns);
                if (row.bad()) {
                    continue;
                }
                times.add(t);
                values.add(v);
            }
        }
        return candles(file, options, market, problems, rows, sawHeader, times, values);
    }

    /**
     * A row's prices and volumes as {@code {open, high, low, close, volume, quote_volume, trades, taker_buy_volume}}
     * (NaN, or -1 trades, for a column the file lacks, or an empty field of the last three), each checked; the row is marked bad when one is not right.
     */
    static double[] values(CsvRow row, Map<String, Integer> columns) {
        double o = row.positive(columns.get("open"), "open");
        double h = row.positive(columns.get("high"), "high");
        double l = row.positive(columns.get("low"), "low");
        double c = row.positive(columns.get("close"), "close");
        double v = columns.containsKey("volume") ? row.nonNegative(columns.get("volume"), "volume") : Double.NaN;
        // the secondary columns may be empty where the value is not known (as pandas writes NaN, and Atlas exports)
        double qv = known(row, columns, "quote_volume") ? row.nonNegative(columns.get("quote_volume"), "quote_volume")
                : Double.NaN;
        double n = known(row, columns, "trades") ? row.integer(columns.get("trades"), "trades") : -1;
        double tb = known(row, columns, "taker_buy_volume")
                ? row.nonNegative(columns.get("taker_buy_volume"), "taker_buy_volume") : Double.NaN;
        row.checkOhlc(o, h, l, c);
        return new double[] {o, h, l, c, v, qv, n, tb};
    }

    private static boolean known(CsvRow row, Map<String, Integer> columns, String name) {
        Integer c = columns.get(name);
        return c != null && !row.text(c).isEmpty();
    }

    /**
     * The candles of a file's good rows ({@code times}: {time, line or row}; {@code values}: as {@link #values}):
     * in time order (a newest-first file is turned round), on the timeframe given or the smallest step between rows,
     * each after the one before by whole bars; the file is refused when it has no rows, too few good ones, or bad
     * rows the user did not ask to skip.
     */
    static ParsedFile candles(Path file, ImportOptions options, Market market, Problems problems, long rows,
                              boolean sawHeader, List<long[]> times, List<double[]> values) {
        Timeframe tf = timeframeInOrder(file, options, problems, rows, sawHeader, "data rows", times, values);
        CandleSeries.Builder out = CandleSeries.builder(market, tf, times.size());
        eachInOrder(tf, options, problems, times, values, (t, v) -> out.add(t, v[0], v[1], v[2], v[3], v[4], v[5],
                (long) v[6], v[7], CandleSource.IMPORTED));
        problems.throwIfRejected();
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(),
                List.of(), List.of(out.build()),
                List.of(), List.of(), 0);
    }

    /**
     * The rules every bar file's good rows share (candles, quote bars): the file is refused when it has no rows
     * ({@code noun} names them), or too few good ones beside bad rows; a newest-first file is turned round in place;
     * returns the timeframe given, or the smallest step between rows.
     */
    static Timeframe timeframeInOrder(Path file, ImportOptions options, Problems problems, long rows,
                                      boolean sawHeader, String noun, List<long[]> times, List<double[]> values) {
        if (rows == 0) {
            throw new ImportException(file, sawHeader ? "a header but no " + noun : "no " + noun + " (an empty file?)");
        }
        if (times.size() < 2 && problems.count() > 0) {
            // nothing (or one row) to import: the rows' own problems say why, not a generic message
            problems.reject("no more than " + times.size() + " of " + rows + " rows could be read");
        }
        if (times.size() >= 2 && times.get(0)[0] > times.get(times.size() - 1)[0]) {
            // newest first (as many exchange exports): read in time order; the order check below still holds
            java.util.Collections.reverse(times);
            java.util.Collections.reverse(values);
        }
        return options.timeframe() != null ? options.timeframe() : inferTimeframe(file, times);
    }

    /** Receives a bar accepted by {@link #eachInOrder}. */
    @FunctionalInterface
    interface BarSink {
        void add(long time, double[] values);
    }

    /**
     * Hands {@code out} each row that comes after the one before by whole bars of {@code tf}, within the time window;
     * the others are bad rows at their line.
     */
    static void eachInOrder(Timeframe tf, ImportOptions options, Problems problems, List<long[]> times,
                            List<double[]> values, BarSink out) {
        TimeOrder order = new TimeOrder(tf, options.timeWindow());
        for (int i = 0; i < times.size(); i++) {
            long line = times.get(i)[1];
            Problems.Sink sink = problems.sinkFor(line);
            if (order.accept(sink::problem, line, "time", times.get(i)[0])) {
                out.add(times.get(i)[0], values.get(i));
            }
        }
    }

    private static final CsvColumns COLUMNS = CsvColumns.of(NAMES, REQUIRED, "time,open,high,low,close,volume",
            "volume may be left out");

    /** The canonical name of a column name ({@code time}, {@code open}, ...), or null when it is not one. */
    static String canonical(String name) {
        return COLUMNS.aliases().get(name.trim().toLowerCase(Locale.ROOT));
    }

    static Map<String, Integer> mapColumns(Path file, List<String> names, String where) {
        return COLUMNS.map(file, names, where);
    }

    /** As {@link #mapColumns(Path, List, String)}, naming currency volumes by {@code symbol}. */
    static Map<String, Integer> mapColumns(Path file, List<String> names, String where, String symbol) {
        return COLUMNS.map(file, names, where, symbol);
    }

    /** Lines of one field above a header that are passed over: a title, a web address. */
    private static final int MAX_PREAMBLE = 3;

    private static Timeframe inferTimeframe(Path file, List<long[]> times) {
        long step = Long.MAX_VALUE;
        for (int i = 1; i < times.size(); i++) {
            long d = times.get(i)[0] - times.get(i - 1)[0];
            if (d > 0) {
                step = Math.min(step, d);
            }
        }
        if (step == Long.MAX_VALUE) {
            throw new ImportException(file, "cannot tell the timeframe from " + times.size() + " row(s) with a time; "
                    + "give --timeframe");
        }
        long s = step;
        return Timeframe.ofMillis(step).orElseThrow(() -> new ImportException(file, "the smallest step between "
                + "rows is " + Duration.ofMillis(s) + ", not one of " + Timeframe.labels() + "; give --timeframe"));
    }
}
