package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to read a set of files. {@code exchange}, {@code symbol}, {@code timeframe} and {@code columns} are
 * {@code null} when not given; formats that can take them from the file's name or content do so, the others reject
 * the file with a hint.
 *
 * @param timeWindow the plausible times (null: {@link TimeWindow#standard()})
 * @param columns ohlcv-csv only: the meaning of each column in order, e.g. {@code time,open,high,low,close,volume}
 *                ({@code _} skips a column); without it the header row names the columns
 * @param delimiter ohlcv-csv and quotes-csv only: the field delimiter, or null to tell it from the first line
 */
public record ImportOptions(ImportFormat format, String exchange, String symbol, Timeframe timeframe,
                            boolean skipBadRows, boolean fillGaps, String columns, TimeWindow timeWindow,
                            Character delimiter) {
    /** The formats whose delimiter may be given; the others have their format's own. */
    public static final java.util.Set<ImportFormat> DELIMITED = java.util.EnumSet.of(ImportFormat.OHLCV_CSV,
            ImportFormat.QUOTES_CSV, ImportFormat.TRADES_CSV);

    public ImportOptions {
        Objects.requireNonNull(format, "format");
        timeWindow = timeWindow == null ? TimeWindow.standard() : timeWindow;
        if (delimiter != null && !DELIMITED.contains(format)) {
            throw new IllegalArgumentException("a delimiter is given for ohlcv-csv and quotes-csv files only; "
                    + format + " files have their own");
        }
        if (delimiter != null && (delimiter == '"' || delimiter == '\n' || delimiter == '\r')) {
            throw new IllegalArgumentException("the delimiter cannot be a double quote or a line break");
        }
    }

    public ImportOptions(ImportFormat format, String exchange, String symbol, Timeframe timeframe,
                         boolean skipBadRows, boolean fillGaps, String columns) {
        this(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, null, null);
    }

    /**
     * The delimiter written on a command line: one character, or {@code tab}, {@code \t}, {@code comma},
     * {@code semicolon}, {@code pipe}, {@code space}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static char parseDelimiter(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "tab", "\\t", "\t" -> '\t';
            case "comma" -> ',';
            case "semicolon" -> ';';
            case "pipe" -> '|';
            case "space" -> ' ';
            default -> {
                if (text.length() != 1) {
                    throw new IllegalArgumentException("--delimiter takes one character (e.g. ';' or '|') or tab, "
                            + "comma, semicolon, pipe, space; got '" + text + "'");
                }
                yield text.charAt(0);
            }
        };
    }

    /** The options with {@code d} as the field delimiter (null: told from the file). */
    public ImportOptions withDelimiter(Character d) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, timeWindow, d);
    }

    public static ImportOptions of(ImportFormat format, String exchange, String symbol) {
        return new ImportOptions(format, exchange, symbol, null, false, false, null);
    }

    /** The plausible times ({@code --time-range}); outside them a row is bad. */
    public ImportOptions withTimeWindow(TimeWindow w) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, w, delimiter);
    }

    public ImportOptions withSkipBadRows(boolean skip) {
        return new ImportOptions(format, exchange, symbol, timeframe, skip, fillGaps, columns, timeWindow, delimiter);
    }

    public ImportOptions withFillGaps(boolean fill) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fill, columns, timeWindow, delimiter);
    }

    public ImportOptions withTimeframe(Timeframe tf) {
        return new ImportOptions(format, exchange, symbol, tf, skipBadRows, fillGaps, columns, timeWindow, delimiter);
    }

    public ImportOptions withColumns(String cols) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, cols, timeWindow, delimiter);
    }

    /**
     * The market for {@code file}: the options' exchange and symbol, else the ones the format found in the file.
     *
     * @throws ImportException naming the missing option
     */
    Market market(Path file, String derivedExchange, String derivedSymbol) {
        String ex = exchange != null ? exchange : derivedExchange;
        String sym = symbol != null ? symbol : derivedSymbol;
        if (ex == null) {
            throw new ImportException(file, "--exchange is required for format " + format
                    + " (the file name does not say which exchange)");
        }
        if (sym == null) {
            throw new ImportException(file, "--symbol is required for format " + format
                    + " (the file name does not say which symbol)");
        }
        try {
            return new Market(ex, sym);
        } catch (IllegalArgumentException e) {
            throw new ImportException(file, e.getMessage());
        }
    }
}
