package io.atlasj.features.eval;

/**
 * One contiguous segment of one market's bars, as columns: candles ({@code open..takerBuy}) or quote bars
 * ({@code bid, ask, bidSize, askSize}, closes of the bar); the other group is null.
 */
public record Bars(long[] time, long barMillis, double[] open, double[] high, double[] low, double[] close,
                   double[] volume, double[] quoteVolume, double[] tradeCount, double[] takerBuy,
                   double[] bid, double[] ask, double[] bidSize, double[] askSize) {
    public int size() {
        return time.length;
    }

    /**
     * The bars' volumes.
     *
     * @throws MissingVolume when a bar's volume is unknown (bars imported from a file without a volume column, and the
     *                       bars resampled from them): a feature that needs volume cannot be computed from them
     */
    @Override
    public double[] volume() {
        if (volume != null) {
            for (double v : volume) {
                if (Double.isNaN(v)) {
                    throw new MissingVolume();
                }
            }
        }
        return volume;
    }

    /** The volume column as stored, unknown values included (for slicing, not for computing). */
    double[] volumeColumn() {
        return volume;
    }

    /** Thrown by {@link #volume()} for bars whose volume is unknown; the evaluator names the feature and series. */
    public static final class MissingVolume extends RuntimeException {
        MissingVolume() {
            super("the bars have no volume", null, false, false);
        }
    }

    public double[] requireCandles() {
        if (close == null) {
            throw new IllegalStateException("candles needed, quote bars given");
        }
        return close;
    }
}
