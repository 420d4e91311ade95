package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
            Map.entry("asksize", "ask_size"), Map.entry("ask_amount", "ask_size"), Map.entry("offer_size", "ask_size"),
            Map.entry("bidvolume", "bid_size"), Map.entry("askvolume", "ask_size")); // Dukascopy's tick exports

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        if (barColumns(file, options)) {
            return QuoteBarsCsv.parse(file, options, progress);
        }
        Market market = options.market(file, null, null);
        return quotes(file, market, TickRows.readCsv(file, options, "quotes-csv", progress,
                QuotesCsvParser::mapColumns, QuotesCsvParser::values));
    }

    /** A quote row's bid, bid size, ask and ask size (sizes NaN when the file has none), checked. */
    static double[] values(CsvRow row, Map<String, Integer> columns) {
        double bid = row.positive(columns.get("bid"), "bid");
        double ask = row.positive(columns.get("ask"), "ask");
        double bs = columns.containsKey("bid_size") ? row.nonNegative(columns.get("bid_size"), "bid_size") : Double.NaN;
        double as = columns.containsKey("ask_size") ? row.nonNegative(columns.get("ask_size"), "ask_size") : Double.NaN;
        if (!row.bad() && ask < bid) {
            row.problem("ask", "ask " + ask + " is below bid " + bid + " (a crossed quote)");
        }
        return new double[] {bid, bs, ask, as};
    }

    /** The quotes of a file's good rows ({@link TickRows#inTimeOrder}; values as {@link #values}). */
    static ParsedFile quotes(Path file, Market market, TickRows rows) {
        QuoteSeries.Builder out = QuoteSeries.builder(market);
        rows.inTimeOrder(file, "quote rows", (t, seq, line, v) -> out.add(t, seq, v[0], v[1], v[2], v[3]));
        Problems problems = rows.problems();
        return new ParsedFile(file, rows.rows(), problems.count(), problems.first(), problems.reasons(), List.of(),
                List.of(), List.of(out.build()), List.of(), 0);
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

    static Map<String, Integer> mapColumns(Path file, List<String> names, String where) {
        return COLUMNS.map(file, names, where);
    }

    /** Whether columns named {@code names} (lower case) are quote ticks: a bid and an ask, no bars, no candle close. */
    static boolean isTicks(List<String> names) {
        return COLUMNS.names(names, "bid", "ask");
    }
}
