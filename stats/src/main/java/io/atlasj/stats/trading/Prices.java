package io.atlasj.stats.trading;

import io.atlasj.features.eval.PriceBasis;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.Arrays;

/**
 * Where the evaluation reads the prices a model is traded at: the closes of a market's bars. The report and the
 * console read them from the market-data store, the same series the featureset's labels were computed from: the
 * candles, or under {@code prices: mid} the midpoints of the quote bars.
 */
@FunctionalInterface
public interface Prices {
    /** No prices: every model is evaluated without trading (and says why). */
    Prices NONE = (market, tf, from, to, basis) -> new Bars(new long[0], new double[0]);

    /**
     * Bars of {@code market} and {@code tf} with {@code from <= open time < to}, ascending; empty when none.
     *
     * @param basis the featureset's prices: the candles' closes, or the quote bars' mid closes
     */
    Bars closes(Market market, Timeframe tf, long from, long to, PriceBasis basis);

    /** The closes of the store's candles (imported or built from trades at import), or of its quote bars' midpoints. */
    static Prices of(SeriesSource source) {
        return (market, tf, from, to, basis) -> {
            CandleSeries c = SeriesSource.withPrices(source, basis).candles(market, tf, from, to);
            return new Bars(Arrays.copyOf(c.openTimes(), c.size()), Arrays.copyOf(c.closes(), c.size()));
        };
    }

    /** Open times (UTC ms, ascending) and closes of a market's bars. */
    record Bars(long[] time, double[] close) {
        public Bars {
            if (time.length != close.length) {
                throw new IllegalArgumentException("time has " + time.length + " bars, close " + close.length);
            }
        }

        public int size() {
            return time.length;
        }

        /** Index of the bar opening at {@code t}, or a negative number when there is none. */
        public int indexOf(long t) {
            return Arrays.binarySearch(time, t);
        }
    }
}
