package io.atlasj.trainer.live;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Swing highs and lows (pivots) of levels 1 to 5 on a model's base bars, confirmed as bars complete. Bar {@code i} is a
 * level-{@code L} swing high when its high is strictly above the highs of the {@code L} real, adjacent bars on each
 * side (a low: its low strictly below theirs); it is known only at the close of bar {@code i + L}, never earlier. A
 * confirmed pivot gives every journaled frame before it that has no target of that level yet its pivot target: the
 * next swing of that level was a high (+1) or a low (-1), when and at what price.
 */
final class Pivots {
    static final int LEVELS = 5;

    /** A confirmed pivot: {@code kind} +1 a swing high, -1 a swing low. */
    record Pivot(int level, long barTime, int kind, double price, long confirmedAt) {
    }

    private Pivots() {
    }

    /**
     * The pivots of every level confirmed by the close of base bar {@code bar} (its open time): those at
     * {@code bar - L} bars.
     */
    static List<Pivot> confirmedAt(LiveModel m, BarWindow window, long bar) {
        long ms = m.baseTimeframe().millis();
        long close = bar + ms;
        List<Pivot> out = new ArrayList<>();
        // the model's own candles: trades', or quote-bar midpoints under prices: mid
        CandleSeries c = io.atlasj.features.eval.SeriesSource.withPrices(window, m.featureset().prices())
                .candles(m.featureset().baseMarket(), m.baseTimeframe(), bar - 2L * LEVELS * ms, close);
        for (int level = 1; level <= LEVELS; level++) {
            long centre = bar - level * ms;
            // the 2L + 1 bars around the centre must all be real and adjacent
            int start = -1;
            for (int i = 0; i < c.size(); i++) {
                if (c.openTime(i) == centre - level * ms) {
                    start = i;
                    break;
                }
            }
            if (start < 0 || start + 2 * level >= c.size()) {
                continue;
            }
            boolean whole = true;
            for (int k = 0; k <= 2 * level; k++) {
                whole &= c.openTime(start + k) == centre + (k - level) * ms
                        && c.sources()[start + k] != CandleSource.FILLED.code();
            }
            if (!whole) {
                continue;
            }
            int mid = start + level;
            boolean high = true;
            boolean low = true;
            for (int k = start; k <= start + 2 * level; k++) {
                if (k != mid) {
                    high &= c.high(mid) > c.high(k);
                    low &= c.low(mid) < c.low(k);
                }
            }
            if (high) {
                out.add(new Pivot(level, centre, 1, c.high(mid), close));
            }
            if (low) {
                out.add(new Pivot(level, centre, -1, c.low(mid), close));
            }
        }
        return out;
    }
}
