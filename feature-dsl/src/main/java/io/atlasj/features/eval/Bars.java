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
