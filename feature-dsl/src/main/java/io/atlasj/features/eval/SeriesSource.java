package io.atlasj.features.eval;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import java.util.List;

/** Where evaluation reads bars from: the market-data store, or anything else that serves columns. */
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

    /**
     * The store's series. Reads take turns (the store has one database connection and rebuilds a series' column file
     * on first read), so builds on several threads can share one source: a read is a small part of a build.
     */
    static SeriesSource of(MarketDataStore store) {
        return new SeriesSource() {
            @Override
            public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                synchronized (store) {
                    return store.candles(market, tf, from, to);
                }
            }

            @Override
            public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
                synchronized (store) {
                    return store.quoteCandles(market, tf, from, to);
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
                    return store.fingerprint(market, tf, quoteBars);
                }
            }
        };
    }
}
