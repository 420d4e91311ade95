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

    public double[] requireCandles() {
        if (close == null) {
            throw new IllegalStateException("candles needed, quote bars given");
        }
        return close;
    }
}
