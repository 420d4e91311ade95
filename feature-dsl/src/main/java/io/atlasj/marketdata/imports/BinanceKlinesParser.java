package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binance klines: {@code open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,
 * taker_buy_quote_volume,ignore}, with or without the header, plain or gzip. Times are milliseconds, or
 * microseconds in Binance spot files from 2025: the unit is detected per file from the first open time. The
 * timeframe comes from {@code --timeframe}, else the file name ({@code FILUSDT-1m-2023-02.csv}), else
 * {@code close_time - open_time}; the symbol from {@code --symbol}, else the file name.
 */
final class BinanceKlinesParser implements FileParser {
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9]+)-(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w)-.*");

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Matcher m = NAME.matcher(InputFiles.baseName(file));
        String derivedSymbol = m.matches() ? m.group(1) : null;
        Timeframe tf = options.timeframe() != null ? options.timeframe()
                : m.matches() ? Timeframe.parse(m.group(2)) : null;
        Rows rows = new Rows(file, options, options.market(file, null, derivedSymbol), tf);
        boolean first = true;
        try (CsvFile csv = new CsvFile(file, progress)) {
            for (CsvFile.Record rec : csv) {
                if (first) {
                    first = false;
                    if (rec.fields().get(0).trim().equals("open_time")) {
                        continue; // header
                    }
                }
                rows.add(rec);
            }
        }
        rows.problems.throwIfRejected();
        List<CandleSeries> candles = rows.out == null ? List.of() : List.of(rows.out.build());
        return new ParsedFile(file, rows.count, rows.problems.count(), rows.problems.first(), rows.problems.reasons(),
                List.of(), candles, List.of(),
                List.of(), 0);
    }

    /**
     * A file's rows read one at a time. The file's loop only hands each record here: the JIT compiles this method once,
     * as it is called for every row, where a loop holding it all was compiled twice (on-stack at the loop, then whole)
     * with everything it calls inlined into each.
     */
    private static final class Rows {
        private final Path file;
        private final ImportOptions options;
        private final Market market;
        private final Problems problems;
        private final CsvRow row;
        private final FileTimes times;
        private Timeframe tf;
        private CandleSeries.Builder out;
        private TimeOrder order;
        private long count;

        Rows(Path file, ImportOptions options, Market market, Timeframe tf) {
            this.file = file;
            this.options = options;
            this.market = market;
            this.tf = tf;
            this.problems = new Problems(file, options.skipBadRows());
            this.row = new CsvRow(problems);
            // milliseconds, or microseconds in Binance spot files from 2025
            this.times = new FileTimes(file, "binance-klines", java.util.EnumSet.of(EpochUnit.MILLIS, EpochUnit.MICROS),
                    options.timeWindow());
        }

        void add(CsvFile.Record rec) {
            long lineNo = rec.line();
            count++;
            if (!row.reset(rec.fields(), lineNo, 12, 12)) {
                return;
            }
            long openRaw = row.integer(0, "open_time");
            double open = row.positive(1, "open");
            double high = row.positive(2, "high");
            double low = row.positive(3, "low");
            double close = row.positive(4, "close");
            double volume = row.nonNegative(5, "volume");
            long closeRaw = row.integer(6, "close_time");
            double quoteVolume = row.nonNegative(7, "quote_volume");
            long trades = row.integer(8, "count");
            double takerBuy = row.nonNegative(9, "taker_buy_volume");
            row.checkOhlc(open, high, low, close);
            if (row.bad()) {
                return;
            }
            long openTime = times.millis(row::problem, lineNo, "open_time", openRaw);
            if (openTime == Long.MIN_VALUE) {
                return;
            }
            if (out == null) {
                long divisor = times.unit() == EpochUnit.MICROS ? 1000 : 1;
                if (tf == null) {
                    long span = (closeRaw - openRaw) / divisor + 1;
                    tf = Timeframe.ofMillis(span).orElseThrow(() -> new ImportException(file,
                            "cannot tell the timeframe: close_time - open_time + 1 = " + span
                                    + " ms is not one of " + Timeframe.labels() + "; give --timeframe"));
                }
                out = CandleSeries.builder(market, tf, 65536);
                order = new TimeOrder(tf, options.timeWindow());
            }
            if (!order.accept(row, "open_time", openTime)) {
                return;
            }
            out.add(openTime, open, high, low, close, volume, quoteVolume, trades, takerBuy, CandleSource.IMPORTED);
        }
    }
}
