package io.atlasj.features.spark;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.lake.Lake;
import java.util.List;

/**
 * The lake as a source of bars for the feature builder: the same columns the store serves, read from the lake's
 * Parquet files, with the store's fingerprints from the lake's catalogue (so a build over the lake and one over the
 * store that read the same data have one cache key).
 */
public final class LakeSource implements SeriesSource {
    private final Lake lake;

    public LakeSource(Lake lake) {
        this.lake = lake;
    }

    @Override
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        return tf.kept() ? lake.candles(market, tf, from, to)
                : io.atlasj.marketdata.resample.Unkept.candles(market, tf, from, to, lake::candles, t -> holds(market, t, false));
    }

    @Override
    public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        return tf.kept() ? lake.quoteBars(market, tf, from, to)
                : io.atlasj.marketdata.resample.Unkept.quoteBars(market, tf, from, to, lake::quoteBars, t -> holds(market, t, true));
    }

    private boolean holds(Market market, Timeframe tf, boolean quoteBars) {
        return lake.fingerprint(key(market, tf, quoteBars)).isPresent();
    }

    private static Lake.SeriesKey key(Market market, Timeframe tf, boolean quoteBars) {
        return new Lake.SeriesKey(quoteBars ? Lake.Kind.QUOTE_BARS : Lake.Kind.CANDLES, market, tf);
    }

    @Override
    public List<Market> markets() {
        return lake.markets();
    }

    @Override
    public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
        return tf.kept() ? lake.fingerprint(key(market, tf, quoteBars)).orElse(null)
                : io.atlasj.marketdata.resample.Unkept.fingerprint(tf, t -> holds(market, t, quoteBars),
                        t -> lake.fingerprint(key(market, t, quoteBars)).orElse(null));
    }

    @Override
    public String name() {
        return "the lake " + lake.location();
    }

    @Override
    public String hint() {
        return "import it, then 'atlas data export --to " + lake.location() + "'";
    }
}
