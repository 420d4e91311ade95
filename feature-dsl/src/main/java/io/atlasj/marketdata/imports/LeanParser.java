package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QuantConnect LEAN crypto bars in LEAN's own layout, {@code <market>/<resolution>/<symbol>/<yyyyMMdd>_<trade|quote>.zip}
 * for minute and second bars ({@code <market>/<resolution>/<symbol>_<trade|quote>.zip} for hour and daily). Column 0
 * of minute and second bars is milliseconds since midnight UTC of the date in the file name; hour and daily bars
 * write {@code yyyyMMdd HH:mm}. Trade bars: {@code time,open,high,low,close,volume}; quote bars: {@code time,bid
 * open,high,low,close,bid size,ask open,high,low,close,ask size}. The exchange, symbol and resolution come from the
 * path unless given; a market under LEAN's {@code cryptofuture/} folder (perpetual futures) is its exchange's
 * {@code -futures} market ({@code cryptofuture/bybit/minute/btcusdt} is {@code bybit-futures:btcusdt}), so that it
 * is not taken for the spot market of {@code crypto/bybit/minute/btcusdt}.
 */
final class LeanParser implements FileParser {
    private static final Pattern DATE = Pattern.compile("^(\\d{8})_.*");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd HH:mm", Locale.ROOT);

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        String name = InputFiles.baseName(abs);
        String lower = name.toLowerCase(Locale.ROOT);
        int resIndex = -1;
        Timeframe pathTf = null;
        for (int i = abs.getNameCount() - 2; i >= 0; i--) {
            pathTf = resolution(abs.getName(i).toString());
            if (pathTf != null) {
                resIndex = i;
                break;
            }
        }
        Timeframe tf = options.timeframe() != null ? options.timeframe() : pathTf;
        if (tf == null) {
            throw new ImportException(file, "cannot tell the resolution: the path has no minute, second, hour or "
                    + "daily folder (LEAN layout <market>/<resolution>/<symbol>/<date>_trade.zip); give --timeframe");
        }
        String exchange = resIndex > 0 ? abs.getName(resIndex - 1).toString() : null;
        if (exchange != null && resIndex > 1 && abs.getName(resIndex - 2).toString().equalsIgnoreCase("cryptofuture")) {
            exchange += "-futures"; // a perpetual's bars are not its spot market's: cryptofuture/bybit is bybit-futures
        }
        String symbol = null;
        boolean intraday = tf.millis() < Timeframe.H1.millis();
        if (resIndex >= 0 && intraday && resIndex + 2 < abs.getNameCount()) {
            symbol = abs.getName(resIndex + 1).toString();
        } else if (!intraday) {
            symbol = lower.split("[_.]", 2)[0];
        }
        Market market = options.market(file, exchange, symbol);

        long dayStart = 0;
        if (intraday) {
            Matcher m = DATE.matcher(name);
            if (!m.matches()) {
                throw new ImportException(file, "LEAN " + tf + " bars need the date in the file name, e.g. "
                        + "20170903_trade.zip or 20170903_btcusd_minute_trade.csv");
            }
            try {
                dayStart = LocalDate.parse(m.group(1), DAY).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new ImportException(file, "the file name's date '" + m.group(1) + "' is not a valid yyyyMMdd date");
            }
        }

        Boolean quotes = lower.contains("_quote") ? Boolean.TRUE : lower.contains("_trade") ? Boolean.FALSE : null;
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems);
        TimeOrder order = new TimeOrder(tf, options.timeWindow());
        CandleSeries.Builder trades = CandleSeries.builder(market, tf, 2048);
        QuoteCandleSeries.Builder quoteBars = QuoteCandleSeries.builder(market, tf);
        long rows = 0;
        long lineNo = 0;
        try (CsvFile csv = new CsvFile(file, progress)) {
            for (CsvFile.Record rec : csv) {
                lineNo = rec.line();
                rows++;
                if (quotes == null) {
                    quotes = rec.fields().size() == 11;
                }
                int expected = quotes ? 11 : 6;
                if (!row.reset(rec.fields(), lineNo, expected, expected)) {
                    continue;
                }
                long time = intraday ? dayStart + row.integer(0, "time") : dateTime(row);
                if (quotes) {
                    double bo = row.positive(1, "bid_open"), bh = row.positive(2, "bid_high");
                    double bl = row.positive(3, "bid_low"), bc = row.positive(4, "bid_close");
                    double bs = row.nonNegative(5, "bid_size");
                    double ao = row.positive(6, "ask_open"), ah = row.positive(7, "ask_high");
                    double al = row.positive(8, "ask_low"), ac = row.positive(9, "ask_close");
                    double as = row.nonNegative(10, "ask_size");
                    row.checkOhlc(bo, bh, bl, bc);
                    row.checkOhlc(ao, ah, al, ac);
                    if (!row.bad() && ac < bc) { // as quotes-csv bars: a book whose ask is below its bid is not a book
                        row.problem("ask_close", "ask close " + ac + " is below bid close " + bc + " (a crossed quote)");
                    }
                    if (row.bad() || !order.accept(row, "time", time)) {
                        continue;
                    }
                    quoteBars.add(time, bo, bh, bl, bc, bs, ao, ah, al, ac, as, CandleSource.IMPORTED);
                } else {
                    double o = row.positive(1, "open"), h = row.positive(2, "high");
                    double l = row.positive(3, "low"), c = row.positive(4, "close");
                    double v = row.nonNegative(5, "volume");
                    row.checkOhlc(o, h, l, c);
                    if (row.bad() || !order.accept(row, "time", time)) {
                        continue;
                    }
                    trades.add(time, o, h, l, c, v, Double.NaN, -1, Double.NaN, CandleSource.IMPORTED);
                }
            }
        }
        problems.throwIfRejected();
        boolean isQuotes = Boolean.TRUE.equals(quotes);
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(),
                List.of(),
                isQuotes ? List.of() : List.of(trades.build()), List.of(),
                isQuotes ? List.of(quoteBars.build()) : List.of(), 0);
    }

    private static long dateTime(CsvRow row) {
        String s = row.text(0);
        try {
            return LocalDateTime.parse(s, DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            row.problem("time", "expected yyyyMMdd HH:mm, got '" + s + "'");
            return 0;
        }
    }

    private static Timeframe resolution(String folder) {
        return switch (folder.toLowerCase(Locale.ROOT)) {
            case "second" -> Timeframe.S1;
            case "minute" -> Timeframe.M1;
            case "hour" -> Timeframe.H1;
            case "daily" -> Timeframe.D1;
            default -> null;
        };
    }
}
