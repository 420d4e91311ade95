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
 * @param text how times and numbers are written in text files (null: {@link Text#STANDARD})
 */
public record ImportOptions(ImportFormat format, String exchange, String symbol, Timeframe timeframe,
                            boolean skipBadRows, boolean fillGaps, String columns, TimeWindow timeWindow,
                            Character delimiter, Text text) {
    /**
     * How a text file writes times and numbers, beyond what is told from the file itself.
     *
     * @param zone         the zone of times written without an offset ({@code --time-zone}); UTC when not given
     * @param timeFormat   a {@link java.time.format.DateTimeFormatter} pattern for the times ({@code --time-format}),
     *                     or null to tell the form from the file's first time
     * @param decimalComma numbers are written with a decimal comma ({@code --decimal-comma}, e.g. {@code 1673,58})
     */
    public record Text(java.time.ZoneId zone, String timeFormat, boolean decimalComma) {
        public static final Text STANDARD = new Text(null, null, false);

        /** Whether a zone was given ({@code --time-zone}). */
        public boolean zoneGiven() {
            return zone != null;
        }

        /** The zone of times without an offset: the one given, else UTC. */
        public java.time.ZoneId zoneOrUtc() {
            return zone != null ? zone : java.time.ZoneOffset.UTC;
        }
    }

    /** The formats whose delimiter may be given; the others have their format's own. */
    public static final java.util.Set<ImportFormat> DELIMITED = java.util.EnumSet.of(ImportFormat.OHLCV_CSV,
            ImportFormat.QUOTES_CSV, ImportFormat.TRADES_CSV);

    public ImportOptions {
        Objects.requireNonNull(format, "format");
        timeWindow = timeWindow == null ? TimeWindow.standard() : timeWindow;
        text = text == null ? Text.STANDARD : text;
        if (!text.equals(Text.STANDARD) && !DELIMITED.contains(format)) {
            throw new IllegalArgumentException("--time-zone, --time-format and --decimal-comma are for ohlcv-csv, "
                    + "quotes-csv and trades-csv files; " + format + " files write times and numbers one way");
        }
        if (text.decimalComma() && delimiter != null && delimiter == ',') {
            throw new IllegalArgumentException("--decimal-comma with --delimiter ',': a comma cannot be both; files "
                    + "with decimal commas are delimited by ';' or a tab");
        }
        if (text.timeFormat() != null) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(text.timeFormat());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--time-format '" + text.timeFormat() + "' is not a date-time "
                        + "pattern (" + e.getMessage() + "); e.g. 'MM/dd/yyyy HH:mm' or 'dd/MM/yyyy HH:mm:ss'");
            }
            TimeText.check(text.timeFormat());
        }
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
        this(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns, null, null, null);
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
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns,
                timeWindow, d, text);
    }

    public static ImportOptions of(ImportFormat format, String exchange, String symbol) {
        return new ImportOptions(format, exchange, symbol, null, false, false, null);
    }

    /** The plausible times ({@code --time-range}); outside them a row is bad. */
    public ImportOptions withTimeWindow(TimeWindow w) {
        return new ImportOptions(format,
                exchange, symbol, timeframe, skipBadRows, fillGaps, columns, w, delimiter, text);
    }

    /** The options with {@code t} for how times and numbers are written. */
    public ImportOptions withText(Text t) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, columns,
                timeWindow,
                delimiter, t);
    }

    public ImportOptions withSkipBadRows(boolean skip) {
        return new ImportOptions(format, exchange, symbol, timeframe, skip, fillGaps, columns,
                timeWindow, delimiter, text);
    }

    public ImportOptions withFillGaps(boolean fill) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fill, columns,
                timeWindow, delimiter, text);
    }

    public ImportOptions withTimeframe(Timeframe tf) {
        return new ImportOptions(format, exchange, symbol, tf, skipBadRows, fillGaps, columns,
                timeWindow, delimiter, text);
    }

    public ImportOptions withColumns(String cols) {
        return new ImportOptions(format, exchange, symbol, timeframe, skipBadRows, fillGaps, cols,
                timeWindow, delimiter, text);
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
