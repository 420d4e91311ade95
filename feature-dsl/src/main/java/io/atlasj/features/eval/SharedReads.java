package io.atlasj.features.eval;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A source whose reads of one series, within one build, share one read of the source: the first read of a series
 * fetches the build's whole window with it ({@code [from, to)}, joined with the range asked for), and every later read
 * of it that the fetched range covers is that series' bars in the range asked for ({@link CandleSeries#between}, the
 * series itself when it is the whole). A build reads its base market three times (for the base timeline, the features
 * and the labels, each over its own range); from the store, each read decoded every segment of the series again.
 *
 * <p>This relies on {@link SeriesSource}'s contract that a read over a range is the bars of a read over any wider
 * range with their open times in it. Held for one build only: the source's data may change between builds.
 */
final class SharedReads extends ForwardingSource {
    private final long from;
    private final long to;
    private final Map<String, Held<CandleSeries>> candles = new HashMap<>();
    private final Map<String, Held<QuoteCandleSeries>> quoteBars = new HashMap<>();

    private record Held<T>(long from, long to, T series) {}

    SharedReads(SeriesSource source, long from, long to) {
        super(source);
        this.from = from;
        this.to = to;
    }

    @Override
    public synchronized CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        return read(candles, market + " " + tf, tf, from, to, (r) -> source.candles(market, tf, r[0], r[1]),
                (s, r) -> s.between(r[0], r[1]));
    }

    @Override
    public synchronized QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        return read(quoteBars, market + " " + tf, tf, from, to, (r) -> source.quoteBars(market, tf, r[0], r[1]),
                (s, r) -> s.between(r[0], r[1]));
    }

    private <T> T read(Map<String, Held<T>> held, String key, Timeframe tf, long a, long b, Function<long[], T> read,
                       java.util.function.BiFunction<T, long[], T> between) {
        Held<T> h = held.get(key);
        if (h == null || a < h.from || b > h.to) {
            // from the open of the series' bar the window starts in: an evaluator reads a series from there
            long start = Math.min(from, tf.floor(from));
            long lo = Math.min(a, h == null ? start : Math.min(start, h.from));
            long hi = Math.max(b, h == null ? to : Math.max(to, h.to));
            h = new Held<>(lo, hi, read.apply(new long[] {lo, hi}));
            held.put(key, h);
        }
        return a == h.from && b == h.to ? h.series : between.apply(h.series, new long[] {a, b});
    }
}
