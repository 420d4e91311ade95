package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteSeries;
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
 * Top-of-book quote ticks from a CSV: each row is the best bid and ask at a time, with their sizes when the file has
 * them, as tick-data vendors and {@code pandas} exports write them ({@code time,bid,ask,bid_size,ask_size}). Columns
 * by header names (synonyms such as {@code timestamp}, {@code bid_price}, {@code best_bid}, {@code bid_qty},
 * {@code bid_volume}) or {@code --columns}; read through {@link CsvFile} like {@code ohlcv-csv} (delimiters, quotes,
 * byte-order mark), times as epoch s/ms/µs/ns told by size or ISO-8601. Stored as quotes and resampled into bid/ask
 * bars of every timeframe, the series the order-book features read. Without size columns the sizes are unknown
 * (NaN): spread and mid features build, size features refuse the series by name. A crossed quote (ask below bid)
 * is a bad row. Several quotes in one millisecond keep their file order.
 *
 * <p>A file whose columns are bid and ask bars ({@code time,bid_open,bid_high,bid_low,bid_close[,bid_size],
 * ask_open,...,ask_close[,ask_size]}, as {@code atlas data export --format csv} writes quote bars and FX vendors ship
 * them) is read as quote bars instead: each side's open, high, low and close checked as a candle's are, a bar whose
 * ask close is below its bid close refused as crossed, on the timeframe given ({@code --timeframe}) or the smallest
 * step between rows, and stored as quote bars resampled to every coarser timeframe.
 */
final class QuotesCsvParser implements FileParser {
    private static final List<String> REQUIRED = List.of("time", "bid", "ask");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("bid", "bid"), Map.entry("bid_price", "bid"),
            Map.entry("best_bid", "bid"), Map.entry("bidprice", "bid"), Map.entry("ask", "ask"),
            Map.entry("ask_price", "ask"), Map.entry("best_ask", "ask"), Map.entry("askprice", "ask"),
            Map.entry("offer", "ask"), Map.entry("bid_size", "bid_size"), Map.entry("bid_qty", "bid_size"),
            Map.entry("bid_volume", "bid_size"), Map.entry("bidsize", "bid_size"), Map.entry("bid_amount", "bid_size"),
            Map.entry("ask_size", "ask_size"), Map.entry("ask_qty", "ask_size"), Map.entry("ask_volume", "ask_size"),
            Map.entry("asksize", "ask_size"), Map.entry("ask_amount", "ask_size"), Map.entry("offer_size", "ask_size"));

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        if (barColumns(file, options)) {
            return QuoteBarsCsv.parse(file, options, progress);
        }
        Market market = options.market(file, null, null);
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems);
        Map<String, Integer> columns = null;
        int width = 0;
        if (options.columns() != null) {
            columns = mapColumns(file, Arrays.asList(options.columns().split(",")), "--columns");
            width = options.columns().split(",").length;
        }
        FileTimes epochs = new FileTimes(file, "quotes-csv", java.util.EnumSet.allOf(EpochUnit.class),
                options.timeWindow());
        List<long[]> times = new ArrayList<>(); // {time, line}
        List<double[]> values = new ArrayList<>();
        long rows = 0;
        boolean sawHeader = false;
        try (CsvFile csv = new CsvFile(file, progress, options.delimiter())) {
            for (CsvFile.Record rec : csv) {
                List<String> fields = rec.fields();
                String first = fields.get(0).trim();
                if (columns == null || (!sawHeader && rows == 0 && options.columns() != null && !first.isEmpty()
                        && !Character.isDigit(first.charAt(0)) && first.toLowerCase(Locale.ROOT).matches("[a-z_ ]+"))) {
                    if (columns == null) {
                        List<String> header = fields.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
                        columns = mapColumns(file, header, "the header on line " + rec.line());
                        width = header.size();
                    }
                    sawHeader = true;
                    continue;
                }
                rows++;
                if (!row.reset(fields, rec.line(), width, width)) {
                    continue;
                }
                long time = epochs.parse(row::problem, row.line(), "time", row.text(columns.get("time")));
                double bid = row.positive(columns.get("bid"), "bid");
                double ask = row.positive(columns.get("ask"), "ask");
                double bs = columns.containsKey("bid_size") ? row.nonNegative(columns.get("bid_size"), "bid_size") : Double.NaN;
                double as = columns.containsKey("ask_size") ? row.nonNegative(columns.get("ask_size"), "ask_size") : Double.NaN;
                if (!row.bad() && ask < bid) {
                    row.problem("ask", "ask " + ask + " is below bid " + bid + " (a crossed quote)");
                }
                if (row.bad()) {
                    continue;
                }
                times.add(new long[] {time, rec.line()});
                values.add(new double[] {bid, bs, ask, as});
            }
        }
        if (rows == 0) {
            throw new ImportException(file, sawHeader ? "a header but no quote rows" : "no quote rows (an empty file?)");
        }
        if (times.isEmpty() && problems.count() > 0) {
            problems.reject("none of " + rows + " rows could be read");
        }
        if (times.size() >= 2 && times.get(0)[0] > times.get(times.size() - 1)[0]) {
            Collections.reverse(times);
            Collections.reverse(values);
        }
        QuoteSeries.Builder out = QuoteSeries.builder(market);
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
            double[] v = values.get(i);
            out.add(t, seq, v[0], v[1], v[2], v[3]);
        }
        problems.throwIfRejected();
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(), List.of(), List.of(),
                List.of(out.build()), List.of(), 0);
    }

    private static final CsvColumns COLUMNS = CsvColumns.of(NAMES, REQUIRED, "time,bid,ask,bid_size,ask_size",
            "the sizes may be left out");

    /** Whether the file's header (or {@code --columns}) names bid and ask bars rather than ticks. */
    private static boolean barColumns(Path file, ImportOptions options) throws IOException {
        List<String> names;
        if (options.columns() != null) {
            names = Arrays.asList(options.columns().split(","));
        } else {
            try (CsvFile csv = new CsvFile(file, n -> { }, options.delimiter())) {
                java.util.Iterator<CsvFile.Record> it = csv.iterator();
                if (!it.hasNext()) {
                    return false;
                }
                names = it.next().fields();
            }
        }
        return names.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).anyMatch(QuoteBarsCsv::isBarColumn);
    }

    private static Map<String, Integer> mapColumns(Path file, List<String> names, String where) {
        return COLUMNS.map(file, names, where);
    }
}
