package io.atlasj.testing;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link SeriesSource} over series copied out of a real store, which a test can alter after a point in time to
 * check that nothing before it changes.
 */
public final class MemorySource implements SeriesSource {
    private final Map<String, CandleSeries> candles = new HashMap<>();
    private final Map<String, QuoteCandleSeries> quotes = new HashMap<>();
    private final List<Market> markets;

    private MemorySource(List<Market> markets) {
        this.markets = List.copyOf(markets);
    }

    /** Everything in {@code store}, every timeframe. */
    public static MemorySource copyOf(MarketDataStore store) {
        MemorySource s = new MemorySource(store.markets());
        for (Market m : store.markets()) {
            for (Timeframe tf : Timeframe.values()) {
                CandleSeries c = store.candles(m, tf);
                if (!c.isEmpty()) {
                    s.candles.put(m + " " + tf, c);
                }
                QuoteCandleSeries q = store.quoteCandles(m, tf, Long.MIN_VALUE, Long.MAX_VALUE);
                if (!q.isEmpty()) {
                    s.quotes.put(m + " " + tf, q);
                }
            }
        }
        return s;
    }

    @Override
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        CandleSeries c = candles.get(market + " " + tf);
        return c == null ? CandleSeries.builder(market, tf, 16).build() : c.between(from, to);
    }

    @Override
    public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        QuoteCandleSeries q = quotes.get(market + " " + tf);
        QuoteCandleSeries.Builder b = QuoteCandleSeries.builder(market, tf);
        if (q != null) {
            for (int i = 0; i < q.size(); i++) {
                long t = q.openTimes()[i];
                if (t >= from && t < to) {
                    b.add(t, q.column(0)[i], q.column(1)[i], q.column(2)[i], q.column(3)[i], q.column(4)[i],
                            q.column(5)[i], q.column(6)[i], q.column(7)[i], q.column(8)[i], q.column(9)[i],
                            CandleSource.of(q.sources()[i]));
                }
            }
        }
        return b.build();
    }

    @Override
    public List<Market> markets() {
        return markets;
    }

    /**
     * A copy in which every bar (of every series) opening at or after {@code cut} is changed: prices scaled by a
     * random factor, volumes and sizes by another, and about one bar in ten removed (new gaps).
     */
    public MemorySource alteredFrom(long cut, long seed) {
        Random r = new Random(seed);
        MemorySource s = new MemorySource(markets);
        candles.forEach((k, c) -> {
            CandleSeries.Builder b = CandleSeries.builder(c.market(), c.timeframe(), c.size());
            for (int i = 0; i < c.size(); i++) {
                if (c.openTime(i) < cut) {
                    b.add(c.openTime(i), c.open(i), c.high(i), c.low(i), c.close(i), c.volume(i), c.quoteVolume(i),
                            c.tradeCount(i), c.takerBuyVolume(i), c.source(i));
                } else if (r.nextInt(10) != 0) {
                    double f = 1 + 0.02 * r.nextGaussian();
                    double v = 0.5 + r.nextDouble();
                    b.add(c.openTime(i), c.open(i) * f, c.high(i) * f * 1.001, c.low(i) * f * 0.999, c.close(i) * f,
                            c.volume(i) * v, c.quoteVolume(i) * v, c.tradeCount(i), c.takerBuyVolume(i) * v, c.source(i));
                }
            }
            s.candles.put(k, b.build());
        });
        quotes.forEach((k, q) -> {
            QuoteCandleSeries.Builder b = QuoteCandleSeries.builder(q.market(), q.timeframe());
            for (int i = 0; i < q.size(); i++) {
                double[] v = new double[10];
                for (int c = 0; c < 10; c++) {
                    v[c] = q.column(c)[i];
                }
                long t = q.openTimes()[i];
                if (t >= cut) {
                    if (r.nextInt(10) == 0) {
                        continue;
                    }
                    double f = 1 + 0.02 * r.nextGaussian();
                    for (int c = 0; c < 10; c++) {
                        v[c] *= (c == 4 || c == 9) ? 0.5 + r.nextDouble() : f;
                    }
                }
                b.add(t, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], CandleSource.of(q.sources()[i]));
            }
            s.quotes.put(k, b.build());
        });
        return s;
    }

    public List<String> keys() {
        List<String> k = new ArrayList<>(candles.keySet());
        k.addAll(quotes.keySet());
        return k;
    }
}
