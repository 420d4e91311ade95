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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON candle files of the ta4j examples, in either of their two shapes:
 * {@code {"candles":[{"start":"<epoch s>","open","high","low","close","volume"}]}} (values as strings or numbers) or
 * {@code {"name":"..","ohlc":[{"endTime":<epoch ms>,"openPrice","highPrice","lowPrice","closePrice","volume"}]}}.
 * Files may list candles newest first; they are put in ascending order. The timeframe comes from
 * {@code --timeframe}, else the ISO period in the file name ({@code PT4H}), else the smallest step between candles;
 * exchange and symbol from the options, else the file name ({@code Coinbase-BTC-USD-PT4H-...} gives
 * {@code coinbase:btc_usd}).
 */
final class Ta4jJsonParser implements FileParser {
    private static final Pattern NAME = Pattern.compile("([A-Za-z.]+)-([A-Za-z0-9]+)-([A-Za-z0-9]+)-(P[0-9A-Z]+)-.*");
    private static final JsonFactory JSON = new JsonFactory();

    private record Raw(long line, int index, long time, boolean isEnd, String[] values) {
    }

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Matcher m = NAME.matcher(InputFiles.baseName(file));
        String exchange = null;
        String symbol = null;
        Timeframe tf = options.timeframe();
        if (m.matches()) {
            exchange = m.group(1).toLowerCase(Locale.ROOT);
            symbol = (m.group(2) + "_" + m.group(3)).toLowerCase(Locale.ROOT);
            if (tf == null) {
                try {
                    tf = Timeframe.ofMillis(Duration.parse(m.group(4)).toMillis()).orElse(null);
                } catch (DateTimeParseException e) {
                    tf = null;
                }
            }
        }
        Market market = options.market(file, exchange, symbol);
        Problems problems = new Problems(file, options.skipBadRows());
        List<Raw> raws = new ArrayList<>();
        String arrayName = null;
        try (BufferedReader reader = InputFiles.open(file, progress); JsonParser p = JSON.createParser(reader)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ImportException(file, "expected a JSON object {\"candles\":[...]} or {\"ohlc\":[...]}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (("candles".equals(field) || "ohlc".equals(field)) && t == JsonToken.START_ARRAY) {
                    arrayName = field;
                    readArray(p, field, raws, problems);
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonParseException e) {
            throw new ImportException(file, "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (arrayName == null) {
            throw new ImportException(file, "no \"candles\" or \"ohlc\" array found; is this a ta4j JSON candle file?");
        }
        boolean newestFirst = raws.size() >= 2 && raws.get(0).time() > raws.get(raws.size() - 1).time();
        if (newestFirst) {
            Collections.reverse(raws);
        }
        if (tf == null) {
            tf = inferTimeframe(file, raws);
        }
        CandleSeries.Builder out = CandleSeries.builder(market, tf, raws.size());
        TimeOrder order = new TimeOrder(tf, options.timeWindow());
        for (Raw r : raws) {
            Problems.Sink sink = problems.sinkFor(r.line());
            String at = arrayName + "[" + r.index() + "]";
            long openTime = r.isEnd() ? tf.floor(r.time() - 1) : r.time();
            double open = number(sink, at + ".open", r.values()[0], true);
            double high = number(sink, at + ".high", r.values()[1], true);
            double low = number(sink, at + ".low", r.values()[2], true);
            double close = number(sink, at + ".close", r.values()[3], true);
            double volume = number(sink, at + ".volume", r.values()[4], false);
            double quoteVolume = r.values()[5] == null ? Double.NaN : number(sink, at + ".amount", r.values()[5], false);
            if (sink.bad()) {
                continue;
            }
            if (high < low) {
                sink.problem(at + ".high", "high " + high + " is below low " + low);
                continue;
            }
            if (open > high || open < low || close > high || close < low) {
                sink.problem(at, "open or close lies outside [low " + low + ", high " + high + "]");
                continue;
            }
            if (!order.accept(sink::problem, r.line(), at + ".time", openTime)) {
                continue;
            }
            out.add(openTime, open, high, low, close, volume, quoteVolume > 0 ? quoteVolume : Double.NaN, -1,
                    Double.NaN, CandleSource.IMPORTED);
        }
        problems.throwIfRejected();
        return new ParsedFile(file, raws.size(), problems.count(), problems.first(), problems.reasons(),
                List.of(), List.of(out.build()),
                List.of(), List.of(), 0);
    }

    private static void readArray(JsonParser p, String arrayName, List<Raw> raws, Problems problems) throws IOException {
        boolean ohlc = "ohlc".equals(arrayName);
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                problems.add(p.currentLocation().getLineNr(), arrayName + "[" + index + "]", "expected an object");
                p.skipChildren();
                index++;
                continue;
            }
            long line = p.currentLocation().getLineNr();
            String[] v = new String[6];
            String time = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                String text = p.currentToken().isScalarValue() ? p.getText() : null;
                if (!p.currentToken().isScalarValue()) {
                    p.skipChildren();
                }
                switch (f) {
                    case "start", "endTime" -> time = text;
                    case "open", "openPrice" -> v[0] = text;
                    case "high", "highPrice" -> v[1] = text;
                    case "low", "lowPrice" -> v[2] = text;
                    case "close", "closePrice" -> v[3] = text;
                    case "volume" -> v[4] = text;
                    case "amount" -> v[5] = text;
                    default -> {
                        // other fields (trades, name) are not needed
                    }
                }
            }
            String at = arrayName + "[" + index + "]";
            String timeField = ohlc ? "endTime" : "start";
            if (time == null) {
                problems.add(line, at, "missing \"" + timeField + "\"");
            } else if (v[0] == null || v[1] == null || v[2] == null || v[3] == null || v[4] == null) {
                problems.add(line, at, "needs open, high, low, close and volume");
            } else {
                try {
                    long raw = Long.parseLong(time.trim());
                    raws.add(new Raw(line, index, ohlc ? raw : raw * 1000L, ohlc, v));
                } catch (NumberFormatException e) {
                    problems.add(line, at + "." + timeField, "not an integer epoch time: '" + time + "'");
                }
            }
            index++;
        }
    }

    private static double number(Problems.Sink sink, String field, String text, boolean positive) {
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v)) {
                sink.problem(field, "not a finite number: '" + text + "'");
            } else if (positive && v <= 0) {
                sink.problem(field, "must be positive, got " + text);
            } else if (!positive && v < 0) {
                sink.problem(field, "must not be negative, got " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            sink.problem(field, "not a number: '" + text + "'");
            return Double.NaN;
        }
    }

    private static Timeframe inferTimeframe(Path file, List<Raw> raws) {
        long step = Long.MAX_VALUE;
        for (int i = 1; i < raws.size(); i++) {
            long d = raws.get(i).time() - raws.get(i - 1).time();
            if (d > 0) {
                step = Math.min(step, d);
            }
        }
        if (step == Long.MAX_VALUE) {
            throw new ImportException(file, "cannot tell the timeframe from fewer than two candles; give --timeframe");
        }
        long s = step;
        return Timeframe.ofMillis(step).orElseThrow(() -> new ImportException(file, "the smallest step between "
                + "candles is " + Duration.ofMillis(s) + ", not one of " + Timeframe.labels() + "; give --timeframe"));
    }
}
