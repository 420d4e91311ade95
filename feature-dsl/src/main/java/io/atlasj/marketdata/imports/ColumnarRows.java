package io.atlasj.marketdata.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.marketdata.Market;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The rows of a columnar file (Parquet, Arrow) on their way to candles; or to quote bars when its columns are bid and
 * ask bars ({@code bid_open, ..., ask_close}, as {@code atlas data export} writes quote bars); or to quote ticks when
 * they are a bid and an ask ({@code time,bid,ask[,bid_size,ask_size]}); or to trades when they are a price and an
 * amount ({@code time,price,amount[,side][,id]}, {@link TradesCsv}). Each row's values as the text a CSV would hold,
 * checked by the same rules as {@code ohlcv-csv} ({@code quotes-csv}, {@code trades-csv}), its time either typed (a
 * timestamp or date column, already in epoch milliseconds) or text and epoch numbers read as in a CSV. Rows are
 * numbered from 1 in file order.
 */
final class ColumnarRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Problems problems;
    private final Map<String, Integer> columns;
    private final int timeColumn;
    private final FileTimes epochs;
    private final CsvRow row;
    private final List<long[]> times = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();
    private final Kind kind;
    private long rows;

    /** What a columnar file's rows are, told by its columns' names. */
    enum Kind {
        CANDLES, QUOTE_BARS, QUOTE_TICKS, TRADES
    }

    ColumnarRows(Path file, String format, ImportOptions options, Map<String, Integer> columns) {
        this.file = file;
        this.problems = new Problems(file, options.skipBadRows());
        this.columns = columns;
        this.timeColumn = columns.get("time");
        this.epochs = new FileTimes(file, format, EnumSet.allOf(EpochUnit.class), options.timeWindow());
        this.row = new CsvRow(problems);
        this.kind = columns.containsKey("bid_open") ? Kind.QUOTE_BARS : columns.containsKey("bid") ? Kind.QUOTE_TICKS
                : columns.containsKey("price") ? Kind.TRADES : Kind.CANDLES;
    }

    /**
     * Adds the next row: {@code text} holds every column's value as text ("" for a null; the time column's is read
     * only when the time is not typed), {@code typedTime} the time of a typed time column (ignored otherwise).
     */
    void add(String[] text, boolean timeNull, boolean typed, long typedTime) {
        rows++;
        row.reset(Arrays.asList(text), rows, text.length, text.length);
        long ms;
        if (timeNull) {
            row.problem("time", "empty (null), a time is required");
            ms = Long.MIN_VALUE;
        } else if (typed) {
            ms = epochs.within(row::problem, "time", typedTime) ? typedTime : Long.MIN_VALUE;
        } else {
            ms = epochs.parse(row::problem, rows, "time", text[timeColumn]);
        }
        double[] v = switch (kind) {
            case QUOTE_BARS -> QuoteBarsCsv.values(row, columns);
            case QUOTE_TICKS -> QuotesCsvParser.values(row, columns);
            case TRADES -> TradesCsv.values(row, columns);
            case CANDLES -> OhlcvCsvParser.values(row, columns);
        };
        if (!row.bad()) {
            times.add(new long[] {ms, rows});
            values.add(v);
        }
    }

    /**
     * The columns of a file whose columns are named {@code fileNames} (described as {@code described} in messages):
     * named by {@code --columns} in schema order, else by their names, pandas' index column (from the file's
     * {@code pandas} metadata in {@code keyValues}) being the time when no column is named as one.
     */
    static Map<String, Integer> columns(Path file, ImportOptions options, List<String> fileNames, String described,
                                        Map<String, String> keyValues) {
        List<String> names = new ArrayList<>(fileNames.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList());
        if (options.columns() != null) {
            List<String> given = Arrays.asList(options.columns().split(","));
            if (given.size() != names.size()) {
                throw new ImportException(file, "--columns names " + given.size() + " columns but the file has "
                        + names.size() + ": " + described + "; name each in that order (_ to skip one)");
            }
            return map(file, given, "--columns");
        }
        int index = pandasIndex(file, keyValues == null ? Map.of() : keyValues, names);
        if (index >= 0) {
            names.set(index, "time");
        }
        return map(file, names, "the file's columns " + described);
    }

    /** The columns by the first reading that fits their names: quote bars, candles, quote ticks, trades. */
    private static Map<String, Integer> map(Path file, List<String> names, String where) {
        List<String> lower = names.stream().map(n -> n.trim().toLowerCase(java.util.Locale.ROOT)).toList();
        boolean close = lower.stream().anyMatch(n -> "close".equals(OhlcvCsvParser.canonical(n)));
        if (quoteBars(names)) {
            return QuoteBarsCsv.mapColumns(file, names, where);
        }
        // a columnar file has no --format of its own to say what it holds: ticks are told only when unambiguous
        boolean ticks = !close && QuotesCsvParser.isTicks(lower);
        boolean trades = !close && TradesCsv.isTrades(lower);
        if (ticks && trades) {
            throw new ImportException(file, where + " name both a trade (price and amount) and a quote (bid and ask): "
                    + "which is it? Name the columns with --columns and _ for the others");
        }
        boolean amountIsVolume = lower.stream().noneMatch(n -> "amount".equals(TradesCsv.canonical(n))
                && !n.equals("volume") && !n.equals("base_volume"));
        if (trades && amountIsVolume) {
            throw new ImportException(file, where + " are a price and a volume: trades, or bars of closes only? Name "
                    + "the columns with --columns: time,price,amount for trades (bars need open, high, low and close)");
        }
        if (ticks) {
            return QuotesCsvParser.mapColumns(file, names, where);
        }
        if (trades) {
            return TradesCsv.mapColumns(file, names, where);
        }
        return OhlcvCsvParser.mapColumns(file, names, where);
    }

    /**
     * Whether a columnar file's columns are quote bars: every bid and ask open, high, low and close, and no candle
     * close (a candle file with a bid or ask column beside its prices stays a candle file).
     */
    private static boolean quoteBars(List<String> names) {
        List<String> lower = names.stream().map(n -> n.trim().toLowerCase(java.util.Locale.ROOT)).toList();
        return QuoteBarsCsv.hasEveryBarColumn(lower)
                && lower.stream().noneMatch(n -> "close".equals(OhlcvCsvParser.canonical(n)));
    }

    /**
     * The position of pandas' index column when no column is named as a time: pandas writes a DataFrame's index as a
     * column and names it in the file's {@code pandas} metadata ({@code index_columns}); -1 when there is none.
     */
    private static int pandasIndex(Path file, Map<String, String> keyValues, List<String> names) {
        if (names.stream().anyMatch(n -> "time".equals(OhlcvCsvParser.canonical(n))
                || "time".equals(TradesCsv.canonical(n)))) {
            return -1;
        }
        String pandas = keyValues.get("pandas");
        if (pandas == null) {
            return -1;
        }
        try {
            JsonNode index = JSON.readTree(pandas).path("index_columns");
            if (index.size() == 1 && index.get(0).isTextual()) {
                return names.indexOf(index.get(0).asText().toLowerCase(java.util.Locale.ROOT));
            }
            return -1;
        } catch (java.io.IOException e) {
            throw new ImportException(file, "its pandas metadata is not JSON: " + e.getMessage());
        }
    }

    /** The first {@code n} bytes of {@code file} (fewer when it is shorter). */
    static byte[] head(Path file, int n) throws java.io.IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    long rows() {
        return rows;
    }

    /**
     * The candles, quote bars, quotes or trades of the good rows (see {@link OhlcvCsvParser#candles},
     * {@link QuoteBarsCsv#bars}, {@link QuotesCsvParser#quotes}, {@link TradesCsv#trades}).
     */
    ParsedFile bars(ImportOptions options, Market market) {
        return switch (kind) {
            case QUOTE_BARS -> QuoteBarsCsv.bars(file, options, market, problems, rows, false, times, values);
            case QUOTE_TICKS -> QuotesCsvParser.quotes(file, market, new TickRows(problems, rows, false, times, values));
            case TRADES -> TradesCsv.trades(file, market, new TickRows(problems, rows, false, times, values));
            case CANDLES -> OhlcvCsvParser.candles(file, options, market, problems, rows, false, times, values);
        };
    }
}
