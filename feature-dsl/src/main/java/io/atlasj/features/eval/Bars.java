package io.atlasj.features.eval;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One contiguous segment of one market's bars, as columns: candles ({@code open..takerBuy}) or quote bars
 * ({@code bid, ask, bidSize, askSize}, closes of the bar); the other group is null.
 *
 * @param shared the intermediate series computed once for these bars and read by every feature that needs them
 *               ({@link #shared(String, Supplier)})
 */
public record Bars(long[] time, long barMillis, double[] open, double[] high, double[] low, double[] close,
                   double[] volume, double[] quoteVolume, double[] tradeCount, double[] takerBuy,
                   double[] bid, double[] ask, double[] bidSize, double[] askSize, Shared shared) {
    /** Bars with nothing shared yet. */
    public Bars(long[] time, long barMillis, double[] open, double[] high, double[] low, double[] close,
                double[] volume, double[] quoteVolume, double[] tradeCount, double[] takerBuy,
                double[] bid, double[] ask, double[] bidSize, double[] askSize) {
        this(time, barMillis, open, high, low, close, volume, quoteVolume, tradeCount, takerBuy, bid, ask, bidSize,
                askSize, new Shared());
    }

    public int size() {
        return time.length;
    }

    /** The bars' open times and length, where the kernels restart ({@link Timeline}). */
    public Timeline timeline() {
        return new Timeline(time, barMillis);
    }

    /**
     * An intermediate series of these bars, computed on first use and then shared: one pair of EMAs and one signal line
     * for MACD, its signal and its histogram; one mean and deviation for Bollinger %b and width; one highest high and
     * lowest low for the stochastics and Williams %R; one true range for ATR and ADX. Shared values are read-only: a
     * feature returns a copy of one (the evaluator masks what a feature returns in place).
     *
     * @param key names the computation and its inputs exactly (two keys are the same value only if they are equal)
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> compute) {
        Object v = shared.values.get(key);
        if (v == null) {
            // computed outside the map: a computation may itself read shared values (a map's own computeIfAbsent
            // may not nest); two threads may both compute it, and the first one stored wins
            T c = compute.get();
            v = shared.values.putIfAbsent(key, c);
            return v == null ? c : (T) v;
        }
        return (T) v;
    }

    /** The values {@link #shared(String, Supplier)} keeps for one {@link Bars}. */
    public static final class Shared {
        private final ConcurrentHashMap<String, Object> values = new ConcurrentHashMap<>();
    }

    /**
     * The bars' volumes.
     *
     * @throws MissingColumn when a bar's volume is unknown (bars imported from a file without a volume column, and the
     *                       bars resampled from them): a feature that needs volume cannot be computed from them
     */
    @Override
    public double[] volume() {
        return known(volume, "volume");
    }

    /** Sizes at the best bid; {@link MissingColumn} when unknown (quotes imported without sizes). */
    @Override
    public double[] bidSize() {
        return known(bidSize, "quote sizes");
    }

    /** Sizes at the best ask; {@link MissingColumn} when unknown (quotes imported without sizes). */
    @Override
    public double[] askSize() {
        return known(askSize, "quote sizes");
    }

    private static double[] known(double[] column, String what) {
        if (column != null) {
            for (double v : column) {
                if (Double.isNaN(v)) {
                    throw new MissingColumn(what);
                }
            }
        }
        return column;
    }

    /** The volume column as stored, unknown values included (for slicing, not for computing). */
    double[] volumeColumn() {
        return volume;
    }

    double[] bidSizeColumn() {
        return bidSize;
    }

    double[] askSizeColumn() {
        return askSize;
    }

    /**
     * Thrown when a feature reads a column the bars do not have (volume, quote sizes); the evaluator names the
     * feature and series.
     */
    public static final class MissingColumn extends RuntimeException {
        private final String what;

        MissingColumn(String what) {
            super("the bars have no " + what, null, false, false);
            this.what = what;
        }

        public String what() {
            return what;
        }
    }

    public double[] requireCandles() {
        if (close == null) {
            throw new IllegalStateException("candles needed, quote bars given");
        }
        return close;
    }
}
