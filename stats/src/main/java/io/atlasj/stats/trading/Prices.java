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

    /**
     * The closes of the store's candles (imported or built from trades at import); or of its quote bars' midpoints,
     * with the quoted half spread at each close.
     */
    static Prices of(SeriesSource source) {
        return (market, tf, from, to, basis) -> {
            if (basis == PriceBasis.MID) {
                io.atlasj.marketdata.QuoteCandleSeries q = source.quoteBars(market, tf, from, to);
                int n = q.size();
                double[] mid = new double[n];
                double[] half = new double[n];
                for (int i = 0; i < n; i++) {
                    double bid = q.bidCloses()[i];
                    double ask = q.askCloses()[i];
                    mid[i] = (bid + ask) / 2;
                    half[i] = (ask - bid) / (ask + bid);
                }
                return new Bars(Arrays.copyOf(q.openTimes(), n), mid, half);
            }
            CandleSeries c = source.candles(market, tf, from, to);
            return new Bars(Arrays.copyOf(c.openTimes(), c.size()), Arrays.copyOf(c.closes(), c.size()));
        };
    }

    /**
     * Open times (UTC ms, ascending) and closes of a market's bars.
     *
     * @param halfSpread per bar, half the quoted spread at its close as a fraction of the mid ({@code (ask - bid) /
     *                   (ask + bid)}): what crossing from the mid costs a trade at that close; null when the prices are
     *                   not quotes (the WorkSpec's or the exchange's spread is charged instead)
     */
    record Bars(long[] time, double[] close, double[] halfSpread) {
        public Bars(long[] time, double[] close) {
            this(time, close, null);
        }

        public Bars {
            if (time.length != close.length || halfSpread != null && halfSpread.length != close.length) {
                throw new IllegalArgumentException("time has " + time.length + " bars, close " + close.length
                        + (halfSpread == null ? "" : ", halfSpread " + halfSpread.length));
            }
        }

        /** The same bars without their quoted spread. */
        public Bars withoutSpread() {
            return halfSpread == null ? this : new Bars(time, close, null);
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
