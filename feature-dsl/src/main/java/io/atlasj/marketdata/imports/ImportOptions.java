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
 */
public record ImportOptions(ImportFormat format, String exchange, String symbol, Timeframe timeframe,
                            boolean skipBadRows, boolean fillGaps, String columns, TimeWindow timeWindow) {
    public ImportOptions {
        Objects.requireNonNull(format, "format");
        timeWindow = timeWindow == null ? TimeWindow.standard() : timeWindow;
    }

    public ImportOptions(ImportFormat format, String exchange, String symbol, Timeframe timeframe,
                         boolean skipBadRows, boolean fillGaps, String columns) {
        this(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, null);
    }

    public static ImportOptions of(ImportFormat format, String exchange, String symbol) {
        return new ImportOptions(format, exchange, symbol, null, false, false, null);
    }

    /** The plausible times ({@code --time-range}); outside them a row is bad. */
    public ImportOptions withTimeWindow(TimeWindow w) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, w);
    }

    public ImportOptions withSkipBadRows(boolean skip) {
        return new ImportOptions(format, exchange, symbol, timeframe, skip, fillGaps, columns, timeWindow);
    }

    public ImportOptions withFillGaps(boolean fill) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fill, columns, timeWindow);
    }

    public ImportOptions withTimeframe(Timeframe tf) {
        return new ImportOptions(format, exchange, symbol, tf, skipBadRows, fillGaps, columns, timeWindow);
    }

    public ImportOptions withColumns(String cols) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, cols, timeWindow);
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
