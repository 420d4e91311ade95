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

    static SeriesSource of(MarketDataStore store) {
        return new SeriesSource() {
            @Override
            public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                return store.candles(market, tf, from, to);
            }

            @Override
            public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
                return store.quoteCandles(market, tf, from, to);
            }

            @Override
            public List<Market> markets() {
                return store.markets();
            }

            @Override
            public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
                return store.fingerprint(market, tf, quoteBars);
            }
        };
    }
}
