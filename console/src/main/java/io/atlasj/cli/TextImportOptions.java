package io.atlasj.cli;

import io.atlasj.marketdata.imports.ImportOptions;
import picocli.CommandLine.Option;

/**
 * How the text files of {@code ohlcv-csv}, {@code quotes-csv} and {@code trades-csv} are written: their columns,
 * delimiter, time zone, time pattern and decimal mark. One set of options, the same for {@code atlas data import} and
 * a live runner's {@code --feed dir}, so a folder of MetaTrader or European-spreadsheet files can be fed live as it
 * can be imported.
 */
final class TextImportOptions {
    @Option(names = "--columns", paramLabel = "LIST", description = "ohlcv-csv, quotes-csv, trades-csv, parquet and "
            + "arrow: column meanings in file (schema) order, e.g. time,open,high,low,close,volume (also quote_volume, "
            + "trades, taker_buy_volume; _ skips), time,bid,ask,bid_size,ask_size or time,price,amount,side,id.")
    String columns;

    @Option(names = "--delimiter", paramLabel = "C", description = "ohlcv-csv, quotes-csv and trades-csv: the field "
            + "delimiter, one "
            + "character or tab, comma, semicolon, pipe, space (default: told from the first line, the most frequent of "
            + ", ; tab |).")
    String delimiter;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "ohlcv-csv, quotes-csv and trades-csv: the "
            + "zone of times written without an offset, e.g. -05:00 (histdata.com), +02:00 or a region such as "
            + "Europe/London; default UTC; new-york-close for a forex broker's MetaTrader server time (New York plus "
            + "seven hours: UTC+2, UTC+3 from the US spring change to the US autumn one). A local time the clocks "
            + "skip or repeat is a bad row.")
    String timeZone;

    @Option(names = "--time-format", paramLabel = "PATTERN", description = "ohlcv-csv, quotes-csv and trades-csv: "
            + "the times' pattern when the file's form is not told from it, e.g. 'MM/dd/yyyy HH:mm' or "
            + "'dd/MM/yyyy HH:mm:ss' (java.time DateTimeFormatter letters).")
    String timeFormat;

    @Option(names = "--decimal-comma", description = "ohlcv-csv, quotes-csv and trades-csv: numbers are written "
            + "with a decimal comma (1673,58), as European spreadsheets save them with ';' between fields.")
    boolean decimalComma;

    /** Whether any of these options was given. */
    boolean any() {
        return columns != null || delimiter != null || timeZone != null || timeFormat != null || decimalComma;
    }

    /** {@code options} with these (the columns only when given); a bad value is a {@link UserException}. */
    ImportOptions applyTo(ImportOptions options) {
        try {
            if (columns != null) {
                options = options.withColumns(columns);
            }
            if (delimiter != null) {
                options = options.withDelimiter(ImportOptions.parseDelimiter(delimiter));
            }
            if (timeZone != null || timeFormat != null || decimalComma) {
                options = options.withText(new ImportOptions.Text(timeZone == null ? null
                        : io.atlasj.marketdata.imports.Zones.of(timeZone),
                        timeFormat, decimalComma));
            }
            return options;
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
