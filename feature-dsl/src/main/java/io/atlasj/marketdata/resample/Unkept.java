package io.atlasj.marketdata.resample;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.util.function.Predicate;

/**
 * Bars of a timeframe that stores do not keep ({@code 10m}, {@code 90m}, {@code 2d}: not {@link Timeframe#kept()}),
 * read as the store's or lake's series would be if it kept them: the coarsest kept timeframe the source holds that
 * divides it, resampled, with the bars imported at that timeframe itself (a file of 10-minute bars) winning at their
 * times. The same bars whichever order files were imported in, and no store upgrade for a new length.
 */
public final class Unkept {
    private Unkept() {
    }

    /** Reads a held series over {@code [from, to)}. */
    @FunctionalInterface
    public interface Read<T> {
        T read(Market market, Timeframe tf, long from, long to);
    }

    /** The coarsest kept timeframe that divides {@code tf} and that {@code held} says the source has, or null. */
    public static Timeframe source(Timeframe tf, Predicate<Timeframe> held) {
        Timeframe[] kept = Timeframe.values();
        for (int i = kept.length - 1; i >= 0; i--) {
            if (kept[i].divides(tf) && held.test(kept[i])) {
                return kept[i];
            }
        }
        return null;
    }

    /** The fingerprint of {@code tf}'s bars: those of its source and of its own imported bars together. */
    public static String fingerprint(Timeframe tf, Predicate<Timeframe> held,
                                     java.util.function.Function<Timeframe, String> fingerprint) {
        Timeframe src = source(tf, held);
        if (src == null) {
            return fingerprint.apply(tf); // its own imported bars, or what the source says of a series it lacks
        }
        String own = held.test(tf) ? fingerprint.apply(tf) : "-"; // alike whether a store or a lake holds none
        String from = fingerprint.apply(src);
        return from == null ? null : from + "+" + src.label() + "+" + own;
    }

    /** The first open time at or after {@code t}, leaving the whole-range sentinels as they are. */
    private static long ceil(Timeframe tf, long t) {
        return t <= Long.MIN_VALUE / 4 || t >= Long.MAX_VALUE / 4 ? t : tf.ceil(t);
    }

    public static CandleSeries candles(Market market, Timeframe tf, long from, long to, Read<CandleSeries> read,
                                       Predicate<Timeframe> held) {
        CandleSeries own = read.read(market, tf, from, to);
        Timeframe src = source(tf, held);
        if (src == null) {
            return own;
        }
        CandleSeries derived = Resampler.candles(read.read(market, src, ceil(tf, from), ceil(tf, to)), tf);
        if (own.isEmpty()) {
            return derived;
        }
        CandleSeries.Builder out = CandleSeries.builder(market, tf, own.size() + derived.size());
        for (int e : merged(own.openTimes(), own.sources(), own.size(), derived.openTimes(), derived.size())) {
            CandleSeries s = e > 0 ? own : derived;
            int r = Math.abs(e) - 1;
            out.add(s.openTime(r), s.open(r), s.high(r), s.low(r), s.close(r), s.volume(r), s.quoteVolume(r),
                    s.tradeCount(r), s.takerBuyVolume(r), CandleSource.of(s.sources()[r]));
        }
        return out.build();
    }

    public static QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to,
                                              Read<QuoteCandleSeries> read, Predicate<Timeframe> held) {
        QuoteCandleSeries own = read.read(market, tf, from, to);
        Timeframe src = source(tf, held);
        if (src == null) {
            return own;
        }
        QuoteCandleSeries derived = Resampler.quoteCandles(read.read(market, src, ceil(tf, from), ceil(tf, to)), tf);
        if (own.isEmpty()) {
            return derived;
        }
        QuoteCandleSeries.Builder out = QuoteCandleSeries.builder(market, tf);
        for (int e : merged(own.openTimes(), own.sources(), own.size(), derived.openTimes(), derived.size())) {
            QuoteCandleSeries s = e > 0 ? own : derived;
            int r = Math.abs(e) - 1;
            out.add(s.openTimes()[r], s.column(QuoteCandleSeries.BID_OPEN)[r], s.column(QuoteCandleSeries.BID_HIGH)[r],
                    s.column(QuoteCandleSeries.BID_LOW)[r], s.column(QuoteCandleSeries.BID_CLOSE)[r],
                    s.column(QuoteCandleSeries.BID_SIZE)[r], s.column(QuoteCandleSeries.ASK_OPEN)[r],
                    s.column(QuoteCandleSeries.ASK_HIGH)[r], s.column(QuoteCandleSeries.ASK_LOW)[r],
                    s.column(QuoteCandleSeries.ASK_CLOSE)[r], s.column(QuoteCandleSeries.ASK_SIZE)[r],
                    CandleSource.of(s.sources()[r]));
        }
        return out.build();
    }

    /**
     * The bars of two time-ascending series in time order, each as {@code 1 + row} of {@code own} or {@code -(1 + row)}
     * of {@code derived}; at a time both have, only one: {@code own}'s when it was imported (an imported bar wins over
     * the one resampled there); a filled one ({@code --fill-gaps}) gives way to real data as in a kept timeframe, and
     * so does any other bar stored at that length (a store of a development build kept 6h, 8h and 3d bars).
     */
    private static int[] merged(long[] own, byte[] ownSources, int n, long[] derived, int m) {
        int[] out = new int[n + m];
        int size = 0;
        int i = 0;
        int k = 0;
        while (i < n || k < m) {
            if (i < n && k < m && own[i] == derived[k]) {
                out[size++] = ownSources[i] == CandleSource.IMPORTED.code() ? i + 1 : -(k + 1);
                i++;
                k++;
            } else if (k == m || (i < n && own[i] < derived[k])) {
                out[size++] = ++i;
            } else {
                out[size++] = -(++k);
            }
        }
        return java.util.Arrays.copyOf(out, size);
    }
}
