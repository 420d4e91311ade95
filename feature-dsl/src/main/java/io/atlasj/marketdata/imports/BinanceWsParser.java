package io.atlasj.marketdata.imports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.TradeSeries;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Raw Binance websocket captures: one message per line, {@code <local timestamp in ns or us> <json>}, as combined
 * streams ({@code {"stream":"btcusdt@trade","data":{...}}}). Stored: {@code trade} messages (exchange trade time
 * {@code T}, trade id, price, quantity, aggressor side from the buyer-is-maker flag) into trades, and
 * {@code bookTicker} messages (best bid/ask and sizes, keyed by the update id) into quotes. A bookTicker's time is
 * its exchange time {@code T} or {@code E} when present (futures); spot bookTicker messages carry no exchange time,
 * so the capture's local receive time is used: it can differ from exchange time by the capture's clock offset and
 * latency. Depth diffs and book snapshots are counted as ignored. Messages are put in (time, id) order; a trade id
 * seen twice is a bad row.
 */
final class BinanceWsParser implements FileParser {
    private static final JsonFactory JSON = new JsonFactory();

    private record Trade(long time, long id, double price, double qty, byte side, long line) {
    }

    private record Quote(long time, long seq, double bid, double bidSize, double ask, double askSize, long line) {
    }

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Problems problems = new Problems(file, options.skipBadRows());
        FileTimes times = new FileTimes(file, "binance-ws", java.util.EnumSet.of(EpochUnit.MILLIS), options.timeWindow());
        Map<String, List<Trade>> trades = new TreeMap<>();
        Map<String, List<Quote>> quotes = new TreeMap<>();
        long rows = 0;
        long ignored = 0;
        long lineNo = 0;
        Map<String, String> fields = new HashMap<>();
        try (BufferedReader in = InputFiles.open(file, progress)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                rows++;
                Problems.Sink sink = problems.sinkFor(lineNo);
                int space = line.indexOf(' ');
                if (space <= 0) {
                    sink.problem(null, "expected '<timestamp> <json>'");
                    continue;
                }
                long local;
                try {
                    local = toMillis(Long.parseLong(line.substring(0, space)));
                } catch (NumberFormatException e) {
                    sink.problem("timestamp", "not an integer: '" + line.substring(0, Math.min(space, 30)) + "'");
                    continue;
                }
                String stream;
                try {
                    stream = readMessage(line.substring(space + 1), fields);
                } catch (JsonProcessingException e) {
                    sink.problem("json", "malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
                String event = fields.get("e");
                if (event == null && stream != null && stream.endsWith("@bookTicker")) {
                    event = "bookTicker";
                }
                if ("trade".equals(event)) {
                    String sym = fields.get("s");
                    String tField = fields.containsKey("T") ? "T" : "E";
                    long time = longField(sink, fields, "T", fields.containsKey("T") ? null : "E");
                    if (!sink.bad()) {
                        time = times.millis(sink::problem, lineNo, tField, time);
                    }
                    long id = longField(sink, fields, "t", null);
                    double price = doubleField(sink, fields, "p", true);
                    double qty = doubleField(sink, fields, "q", false);
                    if (sym == null) {
                        sink.problem("s", "missing symbol");
                    }
                    if (sink.bad()) {
                        continue;
                    }
                    byte side = "true".equals(fields.get("m")) ? (byte) -1 : (byte) 1;
                    trades.computeIfAbsent(sym.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(new Trade(time, id, price, qty, side, lineNo));
                } else if ("bookTicker".equals(event)) {
                    String sym = fields.get("s");
                    long time = fields.containsKey("T") ? longField(sink, fields, "T", null)
                            : fields.containsKey("E") ? longField(sink, fields, "E", null) : local;
                    if (!sink.bad()) {
                        String tField = fields.containsKey("T") ? "T" : fields.containsKey("E") ? "E" : "local time";
                        time = fields.containsKey("T") || fields.containsKey("E")
                                ? times.millis(sink::problem, lineNo, tField, time)
                                : times.within(sink::problem, tField, time) ? time : Long.MIN_VALUE;
                    }
                    long seq = longField(sink, fields, "u", null);
                    double bid = doubleField(sink, fields, "b", true);
                    double bidSize = doubleField(sink, fields, "B", false);
                    double ask = doubleField(sink, fields, "a", true);
                    double askSize = doubleField(sink, fields, "A", false);
                    if (sym == null) {
                        sink.problem("s", "missing symbol");
                    }
                    if (sink.bad()) {
                        continue;
                    }
                    quotes.computeIfAbsent(sym.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(new Quote(time, seq, bid, bidSize, ask, askSize, lineNo));
                } else {
                    ignored++;
                }
            }
        }
        List<TradeSeries> tradeSeries = new ArrayList<>();
        for (var e : trades.entrySet()) {
            Market market = options.market(file, null, e.getKey());
            List<Trade> list = e.getValue();
            list.sort(Comparator.comparingLong(Trade::time).thenComparingLong(Trade::id));
            TradeSeries.Builder b = TradeSeries.builder(market);
            Trade prev = null;
            for (Trade t : list) {
                if (prev != null && prev.id() == t.id()) {
                    problems.add(t.line(), "t", "trade id " + t.id() + " already seen on line " + prev.line());
                    continue;
                }
                b.add(t.time(), t.id(), t.price(), t.qty(), t.side(), t.id());
                prev = t;
            }
            tradeSeries.add(b.build());
        }
        List<QuoteSeries> quoteSeries = new ArrayList<>();
        for (var e : quotes.entrySet()) {
            Market market = options.market(file, null, e.getKey());
            List<Quote> list = e.getValue();
            list.sort(Comparator.comparingLong(Quote::time).thenComparingLong(Quote::seq));
            QuoteSeries.Builder b = QuoteSeries.builder(market);
            Quote prev = null;
            for (Quote q : list) {
                if (prev != null && prev.time() == q.time() && prev.seq() == q.seq()) {
                    continue; // the same book update delivered twice: keep one
                }
                b.add(q.time(), q.seq(), q.bid(), q.bidSize(), q.ask(), q.askSize());
                prev = q;
            }
            quoteSeries.add(b.build());
        }
        if (tradeSeries.isEmpty() && quoteSeries.isEmpty() && problems.count() == 0) {
            options.market(file, null, "unknown"); // still report a missing --exchange first
        }
        problems.throwIfRejected();
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(),
                tradeSeries, List.of(), quoteSeries,
                List.of(), ignored);
    }

    /** Reads the message's scalar fields (those of {@code data} for combined streams); returns the stream name. */
    private static String readMessage(String json, Map<String, String> out) throws IOException {
        out.clear();
        String stream = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonProcessingException("expected a JSON object") { };
            }
            boolean combined = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("stream".equals(name) && t == JsonToken.VALUE_STRING) {
                    stream = p.getText();
                } else if ("data".equals(name) && t == JsonToken.START_OBJECT) {
                    combined = true;
                    out.clear();
                    readFlat(p, out);
                } else if (t.isScalarValue()) {
                    if (!combined) {
                        out.put(name, p.getText());
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return stream;
    }

    private static void readFlat(JsonParser p, Map<String, String> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t.isScalarValue()) {
                out.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private static long toMillis(long local) {
        if (local >= 100_000_000_000_000_000L) {
            return local / 1_000_000L; // ns
        } else if (local >= 100_000_000_000_000L) {
            return local / 1_000L; // us
        }
        return local;
    }

    private static long longField(Problems.Sink sink, Map<String, String> f, String name, String fallback) {
        String s = f.get(name);
        if (s == null && fallback != null) {
            s = f.get(fallback);
            name = fallback;
        }
        if (s == null) {
            sink.problem(name, "missing");
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            sink.problem(name, "not an integer: '" + s + "'");
            return 0;
        }
    }

    private static double doubleField(Problems.Sink sink, Map<String, String> f, String name, boolean positive) {
        String s = f.get(name);
        if (s == null) {
            sink.problem(name, "missing");
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v) || (positive ? v <= 0 : v < 0)) {
                sink.problem(name, (positive ? "must be positive" : "must not be negative") + ", got " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            sink.problem(name, "not a number: '" + s + "'");
            return Double.NaN;
        }
    }

}
