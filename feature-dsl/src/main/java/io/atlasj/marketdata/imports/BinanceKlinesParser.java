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
        Market market = options.market(file, null, derivedSymbol);
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems);
        CandleSeries.Builder out = null;
        TimeOrder order = null;
        FileTimes times = new FileTimes(file, "binance-klines", java.util.EnumSet.of(EpochUnit.MILLIS, EpochUnit.MICROS),
                options.timeWindow()); // milliseconds, or microseconds in Binance spot files from 2025
        long rows = 0;
        long lineNo = 0;
        boolean first = true;
        try (CsvFile csv = new CsvFile(file, progress)) {
            for (CsvFile.Record rec : csv) {
                lineNo = rec.line();
                if (first) {
                    first = false;
                    if (rec.fields().get(0).trim().equals("open_time")) {
                        continue; // header
                    }
                }
                rows++;
                if (!row.reset(rec.fields(), lineNo, 12, 12)) {
                    continue;
                }
                long openRaw = row.integer(0, "open_time");
                double open = row.positive(1, "open");
                double high = row.positive(2, "high");
                double low = row.positive(3, "low");
                double close = row.positive(4, "close");
                double volume = row.nonNegative(5, "volume");
                long closeRaw = row.integer(6, "close_time");
                double quoteVolume = row.nonNegative(7, "quote_volume");
                long count = row.integer(8, "count");
                double takerBuy = row.nonNegative(9, "taker_buy_volume");
                row.checkOhlc(open, high, low, close);
                if (row.bad()) {
                    continue;
                }
                long openTime = times.millis(row::problem, lineNo, "open_time", openRaw);
                if (openTime == Long.MIN_VALUE) {
                    continue;
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
                    continue;
                }
                out.add(openTime, open, high, low, close, volume, quoteVolume, count, takerBuy, CandleSource.IMPORTED);
            }
        }
        problems.throwIfRejected();
        List<CandleSeries> candles = out == null ? List.of() : List.of(out.build());
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(),
                List.of(), candles, List.of(),
                List.of(), 0);
    }
}
