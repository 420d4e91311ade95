package io.atlasj.features.eval;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.marketdata.resample.Unkept;
import java.util.List;

/**
 * Where evaluation reads bars from: the market-data store, or anything else that serves columns. A read over
 * {@code [from, to)} is the bars of a read over any wider range whose open times are in {@code [from, to)} (a build
 * shares one read among its evaluators on that ground, see {@link #shared}).
 */
public interface SeriesSource {
    CandleSeries candles(Market market, Timeframe tf, long from, long to);

    QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to);

    /** The markets that have data, for resolving {@code .eth()} and for error messages. */
    List<Market> markets();

    /**
     * A text that changes whenever the series' data changes (cache keys); {@code null} when the source cannot
     * tell, which disables caching.
     */
    default String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
        return null;
    }

    /** What this source is, for messages: {@code the store}, {@code the lake /data/lake}. */
    default String name() {
        return "the store";
    }

    /** How a user adds a series this source lacks. */
    default String hint() {
        return "see 'atlas data list'; import with 'atlas data import'";
    }

    /** What this source's candles are, for messages: {@code candles}, or the quote bars they are made of. */
    default String candlesName() {
        return "candles";
    }

    /** Why candles of this source may lack a column such as volume, for messages. */
    default String lacksWhy() {
        return "imported from a file without a volume column, as many FX and index files are";
    }

    /**
     * The same source for one build over {@code [from, to)}: each series is read once, over that window (and any
     * range beyond it a read asks for), and every read of it is served from that read.
     */
    static SeriesSource shared(SeriesSource source, long from, long to) {
        return new SharedReads(source, from, to);
    }

    /**
     * The same source with {@code prices}: itself for {@link PriceBasis#TRADES}; for {@link PriceBasis#MID} its
     * candles are the midpoints of its quote bars ({@link QuoteCandleSeries#midpoints()}), fingerprinted as those quote
     * bars, and its quote bars are its own.
     */
    static SeriesSource withPrices(SeriesSource source, PriceBasis prices) {
        if (prices == PriceBasis.TRADES) {
            return source;
        }
        return new ForwardingSource(source) {
            @Override
            public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                return source.quoteBars(market, tf, from, to).midpoints();
            }

            @Override
            public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
                return source.fingerprint(market, tf, true);
            }

            @Override
            public String candlesName() {
                return "quote bars (prices: mid, whose candles are their midpoints)";
            }

            @Override
            public String lacksWhy() {
                return "they are the midpoints of quote bars (prices: mid), which carry no traded volume";
            }
        };
    }

    /**
     * The store's series (a timeframe it does not keep resampled from one it does, see {@link Unkept}). Reads take turns (the store has one database connection and rebuilds a series' column file
     * on first read), so builds on several threads can share one source: a read is a small part of a build.
     */
    static SeriesSource of(MarketDataStore store) {
        return new SeriesSource() {
            @Override
            public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                synchronized (store) {
                    return tf.kept() ? store.candles(market, tf, from, to) : Unkept.candles(market, tf, from, to,
                            store::candles, t -> store.holds(market, t, false));
                }
            }

            @Override
            public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
                synchronized (store) {
                    return tf.kept() ? store.quoteCandles(market, tf, from, to) : Unkept.quoteBars(market, tf, from,
                            to, store::quoteCandles, t -> store.holds(market, t, true));
                }
            }

            @Override
            public List<Market> markets() {
                synchronized (store) {
                    return store.markets();
                }
            }

            @Override
            public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
                synchronized (store) {
                    return tf.kept() ? store.fingerprint(market, tf, quoteBars) : Unkept.fingerprint(tf,
                            t -> store.holds(market, t, quoteBars), t -> store.fingerprint(market, t, quoteBars));
                }
            }
        };
    }
}
