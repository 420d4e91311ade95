package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.TradeSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Trades with named columns: a time, the price and the amount, and optionally the aggressor's side and a trade id,
 * as exchange archives, tick vendors and pandas write them ({@code time,price,amount,side,id}; Binance's
 * {@code aggTrades} and {@code trades} files name theirs {@code transact_time}/{@code time}, {@code price},
 * {@code qty} and {@code is_buyer_maker}). The {@code trades-csv} format reads them from CSV (through {@link CsvFile}:
 * delimiters, quoting, byte-order mark; a header or {@code --columns}), and Parquet and Arrow files whose columns are
 * trades are read the same way ({@link ColumnarRows}). Times as epoch s/ms/µs/ns told by size or ISO-8601, one unit
 * through the file. The side is the aggressor's: {@code buy}/{@code b}/{@code 1} a buyer-initiated trade,
 * {@code sell}/{@code s}/{@code -1} a seller-initiated one, empty or {@code 0} unknown; {@code is_buyer_maker} true
 * means the seller took the bid (a venue that publishes the maker's side, such as Coinbase, has it the other way
 * round). A newest-first file is read from its end; a trade earlier than the one before is a bad row. A trade with an
 * id (a whole number below 10^15) is keyed by it, one without by its order within its millisecond, so a file that
 * overlaps another stores each trade once. Stored as trades and resampled into candles of every timeframe, with the
 * taker-buy volume when sides are known.
 */
final class TradesCsv implements FileParser {
    private static final List<String> REQUIRED = List.of("time", "price", "amount");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("price", "price"), Map.entry("px", "price"), Map.entry("trade_price", "price"),
            Map.entry("last_price", "price"), Map.entry("amount", "amount"), Map.entry("qty", "amount"),
            Map.entry("quantity", "amount"), Map.entry("size", "amount"), Map.entry("volume", "amount"),
            Map.entry("base_qty", "amount"), Map.entry("base_volume", "amount"), Map.entry("side", "side"),
            Map.entry("taker_side", "side"), Map.entry("aggressor", "side"), Map.entry("aggressor_side", "side"),
            Map.entry("is_buyer_maker", "is_buyer_maker"), Map.entry("isbuyermaker", "is_buyer_maker"),
            Map.entry("buyer_is_maker", "is_buyer_maker"), Map.entry("id", "id"), Map.entry("trade_id", "id"),
            Map.entry("tid", "id"), Map.entry("agg_trade_id", "id"), Map.entry("transact_time", "time"),
            // Binance's trade files also carry the quote amount and a best-price-match flag: read past them
            Map.entry("quote_qty", "_"), Map.entry("quote_quantity", "_"), Map.entry("is_best_match", "_"),
            Map.entry("first_trade_id", "_"), Map.entry("last_trade_id", "_"));
    static final CsvColumns COLUMNS = CsvColumns.of(NAMES, REQUIRED, "time,price,amount,side,id",
            "side and id may be left out");

    /** Whether columns named {@code names} (lower case) are trades: a price and an amount, no candle or quote. */
    static boolean isTrades(List<String> names) {
        return COLUMNS.names(names, "price", "amount");
    }

    /** The canonical name of a column named {@code name} in a trades file, or null. */
    static String canonical(String name) {
        return COLUMNS.aliases().get(name.trim().toLowerCase(Locale.ROOT));
    }

    /** Canonical name to column index ({@link CsvColumns#map}). */
    static Map<String, Integer> mapColumns(Path file, List<String> names, String where) {
        return COLUMNS.map(file, names, where);
    }

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        return trades(file, market, TickRows.readCsv(file, options, "trades-csv", progress, TradesCsv::mapColumns,
                TradesCsv::values));
    }

    /** A row's price, amount, side (+1, -1, 0) and id (-1 when absent), checked. */
    static double[] values(CsvRow row, Map<String, Integer> columns) {
        double price = row.positive(columns.get("price"), "price");
        double amount = row.nonNegative(columns.get("amount"), "amount");
        double side = 0;
        if (columns.containsKey("side")) {
            String s = row.text(columns.get("side")).trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "buy", "b", "bid", "1", "+1", "1.0" -> side = 1;
                case "sell", "s", "ask", "-1", "-1.0" -> side = -1;
                case "", "0", "0.0", "unknown", "none" -> side = 0;
                default -> row.problem("side", "not a side: '" + s + "' (buy or sell, b or s, 1 or -1, or empty)");
            }
        } else if (columns.containsKey("is_buyer_maker")) {
            String s = row.text(columns.get("is_buyer_maker")).trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "true", "1", "t" -> side = -1; // the buyer made the bid, the seller took it
                case "false", "0", "f" -> side = 1;
                case "" -> side = 0;
                default -> row.problem("is_buyer_maker", "not true or false: '" + s + "'");
            }
        }
        double id = -1;
        if (columns.containsKey("id") && !row.text(columns.get("id")).isEmpty()) {
            long v = row.integer(columns.get("id"), "id"); // 12345 or 12345.0, as pandas writes an id column with gaps
            if (!row.bad() && v >= MAX_ID) { // kept as a double on its way to the store: exact below 2^53
                row.problem("id", "id " + v + " is not below 10^15 (an id that large cannot key a trade exactly; leave "
                        + "the column out with _ in --columns)");
            } else if (!row.bad() && v >= 0) {
                id = v;
            } // a negative id is none, as -1 is in the store
        }
        return new double[] {price, amount, side, id};
    }

    private static final long MAX_ID = 1_000_000_000_000_000L;

    /**
     * The trades of a file's good rows ({@link TickRows#inTimeOrder}; values as {@link #values}). A trade with an id is
     * keyed by it (as binance-ws keys trades), one without by its order within its millisecond; so a file's trades
     * either all have ids or none has (a row without one beside rows with one is a bad row), and an id seen twice is a
     * bad row naming the line it was first on.
     */
    static ParsedFile trades(Path file, Market market, TickRows rows) {
        TradeSeries.Builder out = TradeSeries.builder(market);
        boolean ids = rows.values().stream().anyMatch(v -> v[3] >= 0);
        java.util.Map<Long, Long> seen = new java.util.HashMap<>();
        rows.inTimeOrder(file, "trades", (t, seq, line, v) -> {
            long id = (long) v[3];
            if (ids && id < 0) {
                rows.problems().sinkFor(line).problem("id", "empty, while the file's other trades have ids (a trade "
                        + "is keyed by its id: leave the column out with _ in --columns to key them all by order)");
                return;
            }
            Long first = id >= 0 ? seen.putIfAbsent(id, line) : null;
            if (first != null) {
                rows.problems().sinkFor(line).problem("id", "trade id " + id + " already seen on line " + first);
                return;
            }
            out.add(t, id >= 0 ? id : seq, v[0], v[1], (byte) v[2], id);
        });
        Problems problems = rows.problems();
        return new ParsedFile(file, rows.rows(), problems.count(), problems.first(), problems.reasons(),
                List.of(out.build()), List.of(), List.of(), List.of(), 0);
    }
}
