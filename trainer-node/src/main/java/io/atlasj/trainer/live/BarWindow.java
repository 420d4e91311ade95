package io.atlasj.trainer.live;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bars a live runner may see: every series a featureset reads, held in memory over the replayed period and the
 * history before it, served only up to "now" (the close of the newest completed base bar, {@link #advanceTo}). A bar
 * of any timeframe is visible once it has closed, so a feature can never read a bar from the future however it asks.
 * Reading from memory keeps the market-data store free for imports while a runner runs. A feed that runs for months
 * {@linkplain #keepOnly keeps} only the recent bars, so its memory stays bounded.
 */
final class BarWindow implements SeriesSource {
    private final Map<String, CandleSeries> candles = new HashMap<>();
    private final Map<String, QuoteCandleSeries> quotes = new HashMap<>();
    private final FeatureSetBuilder.Resolved resolved;
    private long from;
    /** How far before "now" bars are held once a feed refreshes the window (0: all since {@code from}). */
    private long keep;
    private List<Market> markets;
    private long now = Long.MIN_VALUE;

    /**
     * Reads each series {@code r} needs over {@code [from, to)} from {@code store}.
     *
     * @param from the first bar any feature reads (the first replayed bar minus the lead)
     * @param to   the end of the replay plus the longest label horizon (outcomes are matched within it)
     */
    BarWindow(SeriesSource store, FeatureSetBuilder.Resolved r, long from, long to) {
        this.resolved = r;
        this.from = from;
        reload(store, to);
    }

    /** The first time whose bars are held (bars before it are not, or no longer, in memory). */
    long from() {
        return from;
    }

    /**
     * From the next refresh on, holds only the bars of the {@code span} before "now" (a live feed's: the features'
     * lead and the replay buffer's reach), dropping older ones, so a runner that runs for months does not hold them.
     */
    void keepOnly(long span) {
        this.keep = span;
    }

    /**
     * Brings the window up to date after imports that may have changed stored bars from {@code changedFrom} on (a
     * folder's or the websocket's): the bars held before that time are kept, and only {@code [changedFrom, to)} is
     * read again (the segment files of the periods it touches), so a runner that has run for months reads at most
     * about a week of bars per import (from the Monday the caller passes), not the months since it started.
     */
    void reload(MarketDataStore store, long to, long changedFrom) {
        if (keep > 0 && now > Long.MIN_VALUE / 4) {
            from = Math.max(from, now - keep);
        }
        SeriesSource source = SeriesSource.of(store); // a timeframe the store does not keep is resampled as built
        for (FeatureSetBuilder.Need n : resolved.needs()) {
            String k = key(n.market(), n.timeframe());
            // from the open of the bar the change falls in: a three-day bar or a 90-minute one may open before it
            boolean sentinel = changedFrom <= Long.MIN_VALUE / 4 || changedFrom >= Long.MAX_VALUE / 4;
            long since = Math.max(from, sentinel ? changedFrom : n.timeframe().floor(changedFrom));
            if (n.quotes()) {
                QuoteCandleSeries held = quotes.get(k);
                QuoteCandleSeries fresh = source.quoteBars(n.market(), n.timeframe(), since, to);
                quotes.put(k, held == null ? fresh : QuoteCandleSeries.concat(held.between(from, since), fresh));
            } else {
                CandleSeries held = candles.get(k);
                CandleSeries fresh = source.candles(n.market(), n.timeframe(), since, to);
                candles.put(k, held == null ? fresh : CandleSeries.concat(held.between(from, since), fresh));
            }
        }
        markets = List.copyOf(store.markets());
    }

    /** Reads every series over {@code [from, to)}. */
    private void reload(SeriesSource store, long to) {
        for (FeatureSetBuilder.Need n : resolved.needs()) {
            if (n.quotes()) {
                quotes.put(key(n.market(), n.timeframe()), store.quoteBars(n.market(), n.timeframe(), from, to));
            } else {
                candles.put(key(n.market(), n.timeframe()), store.candles(n.market(), n.timeframe(), from, to));
            }
        }
        markets = List.copyOf(store.markets());
    }

    /** Makes the bars that close at or before {@code close} visible. */
    void advanceTo(long close) {
        now = close;
    }

    long now() {
        return now;
    }

    private static String key(Market m, Timeframe tf) {
        return m + " " + tf;
    }

    @Override
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        CandleSeries c = candles.get(key(market, tf));
        if (c == null) {
            throw new IllegalStateException("the live window holds no candles of " + market + " at " + tf);
        }
        // a bar opening at t closes at t + tf: visible when t + tf <= now
        return c.between(from, Math.min(to, now - tf.millis() + 1));
    }

    @Override
    public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        QuoteCandleSeries q = quotes.get(key(market, tf));
        if (q == null) {
            throw new IllegalStateException("the live window holds no quote bars of " + market + " at " + tf);
        }
        // a bar opening at t closes at t + tf: visible when t + tf <= now (a range by binary search, as candles())
        return q.between(from, Math.min(to, now - tf.millis() + 1));
    }

    @Override
    public List<Market> markets() {
        return markets;
    }
}
