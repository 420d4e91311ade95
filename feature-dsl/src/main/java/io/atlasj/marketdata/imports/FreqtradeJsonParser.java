package io.atlasj.marketdata.imports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * freqtrade's OHLCV data files ({@code --data-format-ohlcv json} or {@code jsongz}), as its {@code download-data}
 * writes them under {@code user_data/data/<exchange>/}: a JSON array of candles, each
 * {@code [open time in epoch ms, open, high, low, close, volume]} (ccxt's candle), oldest first. The file name gives
 * the pair and timeframe: {@code BTC_USDT-5m.json} is {@code btc_usdt} at 5m; futures files
 * ({@code futures/BTC_USDT_USDT-1h-futures.json}) give {@code btc_usdt_usdt}. Mark, index and funding-rate files
 * hold no traded candles and are refused. The exchange is {@code --exchange}, else the folder the file sits in
 * (its parent's when that is {@code futures}). Read as a stream, so a file of millions of candles stays small in
 * memory.
 */
final class FreqtradeJsonParser implements FileParser {
    private static final Pattern NAME = Pattern.compile(
            "([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_([A-Za-z0-9]+))?-(\\d+[smhdwM])(?:-([A-Za-z_]+))?\\.json");
    private static final Set<String> NOT_CANDLES = Set.of("mark", "index", "premiumindex", "funding_rate");
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        String exchange = null;
        String symbol = null;
        Timeframe tf = options.timeframe();
        Matcher m = NAME.matcher(InputFiles.baseName(file));
        if (m.matches()) {
            String type = m.group(5) == null ? "spot" : m.group(5).toLowerCase(Locale.ROOT);
            if (NOT_CANDLES.contains(type)) {
                throw new ImportException(file, "a freqtrade '" + m.group(5) + "' file holds " + type
                        + " values, not traded candles; import the pair's candle file (e.g. "
                        + m.group(1) + "_" + m.group(2) + (m.group(3) == null ? "" : "_" + m.group(3)) + "-"
                        + m.group(4) + (m.group(3) == null ? "" : "-futures") + ".json)");
            }
            symbol = (m.group(1) + "_" + m.group(2) + (m.group(3) == null ? "" : "_" + m.group(3)))
                    .toLowerCase(Locale.ROOT);
            if (tf == null) {
                try {
                    tf = Timeframe.parse(m.group(4));
                } catch (IllegalArgumentException e) {
                    throw new ImportException(file, "the file name says timeframe " + m.group(4) + ", which Atlas does "
                            + "not store (" + Timeframe.labels() + "); import a finer timeframe and let Atlas "
                            + "resample it");
                }
            }
            exchange = exchangeFolder(file);
        }
        Market market = options.market(file, exchange, symbol);
        Problems problems = new Problems(file, options.skipBadRows());
        FileTimes times = new FileTimes(file, "freqtrade-json", EnumSet.of(EpochUnit.MILLIS), options.timeWindow());
        List<long[]> rows = new ArrayList<>(); // {time, line}
        List<double[]> values = new ArrayList<>();
        long read = 0;
        try (BufferedReader reader = InputFiles.open(file, progress); JsonParser p = JSON.createParser(reader)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new ImportException(file, "expected a JSON array of candles [[time, open, high, low, close, "
                        + "volume], ...] (freqtrade's json data format)");
            }
            JsonToken t;
            int index = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                long line = p.currentLocation().getLineNr();
                Problems.Sink sink = problems.sinkFor(line);
                String at = "[" + index + "]";
                read++;
                index++;
                if (t != JsonToken.START_ARRAY) {
                    sink.problem(at, "expected a candle [time, open, high, low, close, volume]");
                    p.skipChildren();
                    continue;
                }
                double[] v = new double[6];
                int n = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken().isNumeric() && n < 6) {
                        v[n] = p.getDoubleValue();
                    } else if (n < 6) {
                        sink.problem(at + "[" + n + "]", "not a number: " + p.getText());
                        p.skipChildren();
                    }
                    n++;
                }
                if (sink.bad()) {
                    continue;
                }
                if (n != 6) {
                    sink.problem(at, "a candle has 6 values [time, open, high, low, close, volume], this has " + n);
                    continue;
                }
                long time = times.millis(sink::problem, line, at + "[0] (time)", v[0]);
                String[] names = {"open", "high", "low", "close"};
                for (int i = 1; i <= 4 && !sink.bad(); i++) {
                    if (!(v[i] > 0) || Double.isInfinite(v[i])) {
                        sink.problem(at + "[" + i + "] (" + names[i - 1] + ")", "must be a positive price, got " + v[i]);
                    }
                }
                if (!sink.bad() && !(v[5] >= 0)) {
                    sink.problem(at + "[5] (volume)", "must not be negative, got " + v[5]);
                }
                if (!sink.bad() && (v[2] < v[3] || v[1] > v[2] || v[1] < v[3] || v[4] > v[2] || v[4] < v[3])) {
                    sink.problem(at, "open " + v[1] + " or close " + v[4] + " lies outside [low " + v[3] + ", high "
                            + v[2] + "], or high is below low");
                }
                if (sink.bad()) {
                    continue;
                }
                rows.add(new long[] {time, line});
                values.add(v);
            }
        } catch (JsonParseException e) {
            throw new ImportException(file, "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (read == 0) {
            throw new ImportException(file, "an empty array: no candles");
        }
        if (rows.size() < 2 && problems.count() > 0) {
            problems.reject("no more than " + rows.size() + " of " + read + " candles could be read");
        }
        if (tf == null) {
            tf = inferTimeframe(file, rows);
        }
        CandleSeries.Builder out = CandleSeries.builder(market, tf, rows.size());
        TimeOrder order = new TimeOrder(tf, options.timeWindow());
        for (int i = 0; i < rows.size(); i++) {
            long line = rows.get(i)[1];
            Problems.Sink sink = problems.sinkFor(line);
            if (!order.accept(sink::problem, line, "[time]", rows.get(i)[0])) {
                continue;
            }
            double[] v = values.get(i);
            out.add(rows.get(i)[0], v[1], v[2], v[3], v[4], v[5], Double.NaN, -1, Double.NaN, CandleSource.IMPORTED);
        }
        problems.throwIfRejected();
        return new ParsedFile(file, read, problems.count(), problems.first(), problems.reasons(), List.of(),
                List.of(out.build()), List.of(), List.of(), 0);
    }

    /** The exchange folder freqtrade keeps a file in: its parent, or the parent's parent for {@code futures/}. */
    private static String exchangeFolder(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equalsIgnoreCase("futures")) {
            dir = dir.getParent();
        }
        if (dir == null || dir.getFileName() == null) {
            return null;
        }
        String name = dir.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.matches("[a-z0-9][a-z0-9_.\\-]*") && !name.equals("data") ? name : null;
    }

    private static Timeframe inferTimeframe(Path file, List<long[]> rows) {
        long step = Long.MAX_VALUE;
        for (int i = 1; i < rows.size(); i++) {
            long d = rows.get(i)[0] - rows.get(i - 1)[0];
            if (d > 0) {
                step = Math.min(step, d);
            }
        }
        if (step == Long.MAX_VALUE) {
            throw new ImportException(file, "cannot tell the timeframe from " + rows.size() + " candle(s); give "
                    + "--timeframe or keep freqtrade's file name (PAIR-TIMEFRAME.json)");
        }
        long s = step;
        return Timeframe.ofMillis(step).orElseThrow(() -> new ImportException(file, "the smallest step between "
                + "candles is " + Duration.ofMillis(s) + ", not one of " + Timeframe.labels() + "; give --timeframe"));
    }
}
