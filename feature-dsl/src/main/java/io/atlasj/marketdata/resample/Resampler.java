package io.atlasj.marketdata.resample;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;

/**
 * Builds candles from trades, quote bars from quotes, and coarser bars from finer ones. Pure functions over columns.
 *
 * <p>Rules: bars are aligned to UTC multiples of the timeframe; an interval without data has no bar (gaps stay
 * gaps; {@link #fillGaps} writes flat zero-volume bars only when asked, flagged {@link CandleSource#FILLED}); filled
 * bars of the input never contribute to coarser bars. A field that is unknown for any input of a bar
 * ({@code NaN} quote or taker-buy volume, {@code -1} trade count) is unknown for the bar.
 */
public final class Resampler {
    private Resampler() {
    }

    /** Candles of {@code tf} from trades: first/max/min/last price, summed quantity and notional, count. */
    public static CandleSeries candles(TradeSeries trades, Timeframe tf) {
        return candles(trades, tf, 0);
    }

    /**
     * {@link #candles(TradeSeries, Timeframe)} of the trades from index {@code from} on: the same bars from the first
     * one opening at or after that trade's time, when the trade before it (if any) is in an earlier bar.
     */
    public static CandleSeries candles(TradeSeries trades, Timeframe tf, int from) {
        CandleSeries.Builder out = CandleSeries.builder(trades.market(), tf, 1024);
        long[] time = trades.times();
        double[] price = trades.prices();
        double[] qty = trades.quantities();
        byte[] side = trades.sides();
        int n = trades.size();
        int i = from;
        while (i < n) {
            long bar = tf.floor(time[i]);
            long end = bar + tf.millis();
            double open = price[i];
            double high = open;
            double low = open;
            double close = open;
            double volume = 0;
            double notional = 0;
            double takerBuy = 0;
            boolean sideKnown = true;
            long count = 0;
            while (i < n && time[i] < end) {
                double p = price[i];
                if (p > high) {
                    high = p;
                }
                if (p < low) {
                    low = p;
                }
                close = p;
                volume += qty[i];
                notional += p * qty[i];
                if (side[i] == 0) {
                    sideKnown = false;
                } else if (side[i] > 0) {
                    takerBuy += qty[i];
                }
                count++;
                i++;
            }
            out.add(bar, open, high, low, close, volume, notional, count, sideKnown ? takerBuy : Double.NaN,
                    CandleSource.DERIVED);
        }
        return out.build();
    }

    /** Coarser candles from finer ones ({@code tf} must be a multiple of the input's timeframe). */
    public static CandleSeries candles(CandleSeries in, Timeframe tf) {
        requireCoarser(in.timeframe(), tf);
        long[] t = in.openTimes();
        CandleSeries.Builder out = CandleSeries.builder(in.market(), tf, spanned(t, in.size(), tf));
        double[] o = in.opens(), h = in.highs(), l = in.lows(), c = in.closes(), v = in.volumes();
        double[] qv = in.quoteVolumes(), tb = in.takerBuyVolumes();
        long[] cnt = in.tradeCounts();
        byte[] src = in.sources();
        int n = in.size();
        int i = 0;
        while (i < n) {
            if (src[i] == CandleSource.FILLED.code()) {
                i++;
                continue;
            }
            long bar = tf.floor(t[i]);
            long end = bar + tf.millis();
            double open = o[i];
            double high = h[i];
            double low = l[i];
            double close = c[i];
            double volume = 0;
            double quoteVolume = 0;
            double takerBuy = 0;
            long count = 0;
            while (i < n && t[i] < end) {
                if (src[i] != CandleSource.FILLED.code()) {
                    high = Math.max(high, h[i]);
                    low = Math.min(low, l[i]);
                    close = c[i];
                    volume += v[i];
                    quoteVolume += qv[i];
                    takerBuy += tb[i];
                    count = count < 0 || cnt[i] < 0 ? -1 : count + cnt[i];
                }
                i++;
            }
            out.add(bar, open, high, low, close, volume, quoteVolume, count, takerBuy, CandleSource.DERIVED);
        }
        return out.build();
    }

    /**
     * How many bars of {@code tf} the first {@code n} ascending {@code times} span, first and last included: at least
     * as many as they make, and exactly as many when none of those bars is empty (1 for times out of order, for which
     * the builder grows). An import's month of minutes resampled to daily bars then allocates the 31 it makes, not
     * room for half the month's minutes, for every coarser timeframe (which had the importing thread allocate and
     * clear 0.7 GB for 58 months).
     */
    static int spanned(long[] times, int n, Timeframe tf) {
        if (n == 0) {
            return 0;
        }
        long bars = (tf.floor(times[n - 1]) - tf.floor(times[0])) / tf.millis() + 1;
        return (int) Math.max(1, Math.min(n, bars));
    }

    /** Quote bars of {@code tf} from top-of-book quotes; sizes are those of the last quote in the bar. */
    public static QuoteCandleSeries quoteCandles(QuoteSeries q, Timeframe tf) {
        QuoteCandleSeries.Builder out = QuoteCandleSeries.builder(q.market(), tf);
        long[] t = q.times();
        double[] bid = q.bids(), bs = q.bidSizes(), ask = q.asks(), as = q.askSizes();
        int n = q.size();
        int i = 0;
        while (i < n) {
            long bar = tf.floor(t[i]);
            long end = bar + tf.millis();
            double bo = bid[i], bh = bo, bl = bo, bc = bo, ao = ask[i], ah = ao, al = ao, ac = ao;
            double bsz = bs[i], asz = as[i];
            while (i < n && t[i] < end) {
                bh = Math.max(bh, bid[i]);
                bl = Math.min(bl, bid[i]);
                bc = bid[i];
                ah = Math.max(ah, ask[i]);
                al = Math.min(al, ask[i]);
                ac = ask[i];
                bsz = bs[i];
                asz = as[i];
                i++;
            }
            out.add(bar, bo, bh, bl, bc, bsz, ao, ah, al, ac, asz, CandleSource.DERIVED);
        }
        return out.build();
    }

    /** Coarser quote bars from finer ones. */
    public static QuoteCandleSeries quoteCandles(QuoteCandleSeries in, Timeframe tf) {
        requireCoarser(in.timeframe(), tf);
        QuoteCandleSeries.Builder out = QuoteCandleSeries.builder(in.market(), tf);
        long[] t = in.openTimes();
        double[] bo = in.column(QuoteCandleSeries.BID_OPEN), bh = in.column(QuoteCandleSeries.BID_HIGH);
        double[] bl = in.column(QuoteCandleSeries.BID_LOW), bc = in.column(QuoteCandleSeries.BID_CLOSE);
        double[] bs = in.column(QuoteCandleSeries.BID_SIZE);
        double[] ao = in.column(QuoteCandleSeries.ASK_OPEN), ah = in.column(QuoteCandleSeries.ASK_HIGH);
        double[] al = in.column(QuoteCandleSeries.ASK_LOW), ac = in.column(QuoteCandleSeries.ASK_CLOSE);
        double[] as = in.column(QuoteCandleSeries.ASK_SIZE);
        byte[] src = in.sources();
        int n = in.size();
        int i = 0;
        while (i < n) {
            if (src[i] == CandleSource.FILLED.code()) {
                i++;
                continue;
            }
            long bar = tf.floor(t[i]);
            long end = bar + tf.millis();
            double xbo = bo[i], xbh = bh[i], xbl = bl[i], xbc = bc[i], xbs = bs[i];
            double xao = ao[i], xah = ah[i], xal = al[i], xac = ac[i], xas = as[i];
            while (i < n && t[i] < end) {
                if (src[i] != CandleSource.FILLED.code()) {
                    xbh = Math.max(xbh, bh[i]);
                    xbl = Math.min(xbl, bl[i]);
                    xbc = bc[i];
                    xbs = bs[i];
                    xah = Math.max(xah, ah[i]);
                    xal = Math.min(xal, al[i]);
                    xac = ac[i];
                    xas = as[i];
                }
                i++;
            }
            out.add(bar, xbo, xbh, xbl, xbc, xbs, xao, xah, xal, xac, xas, CandleSource.DERIVED);
        }
        return out.build();
    }

    /**
     * The flat zero-volume candles that would close every gap between the first and last candle of {@code in}:
     * open = high = low = close = the previous candle's close, flagged {@link CandleSource#FILLED}. Only the new
     * candles are returned.
     */
    public static CandleSeries fillGaps(CandleSeries in) {
        Timeframe tf = in.timeframe();
        CandleSeries.Builder out = CandleSeries.builder(in.market(), tf, 64);
        long[] t = in.openTimes();
        for (int i = 1; i < in.size(); i++) {
            flat(out, t[i - 1] + tf.millis(), t[i], tf.millis(), in.close(i - 1));
        }
        return out.build();
    }

    /**
     * {@code in}'s real candles (its {@link CandleSource#FILLED} ones left out) with the flat candles of
     * {@link #fillGaps} in every gap between them, in time order: a series without gaps from its first real candle to
     * its last. It depends on the real candles only, not on which filled candles happen to be stored.
     */
    public static CandleSeries withGapsFilled(CandleSeries in) {
        return withGapsFilled(in, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * {@code in}'s real candles with a missing bar filled flat when the last real candle before it opened at most
     * {@code maxFillMillis} before it, and the bar opens before {@code until}: the first bars of every gap, up to the
     * limit, whatever the gap's length, as pandas' {@code ffill(limit=...)} fills. So whether a bar is filled depends on
     * the candles before it only, never on when the gap ends: a build over data that stops at a moment fills exactly
     * what a build over later data fills before that moment, and a live runner sees what training saw. After the last
     * real candle the bars up to the limit (and before {@code until}) are filled too. With {@code maxFillMillis}
     * {@link Long#MAX_VALUE} (no limit) every gap between real candles is filled whole and nothing after the last one.
     */
    public static CandleSeries withGapsFilled(CandleSeries in, long maxFillMillis, long until) {
        Timeframe tf = in.timeframe();
        CandleSeries.Builder out = CandleSeries.builder(in.market(), tf, in.size() + 64);
        long[] t = in.openTimes();
        byte[] src = in.sources();
        boolean bounded = maxFillMillis < Long.MAX_VALUE / 4;
        int prev = -1;
        for (int i = 0; i < in.size(); i++) {
            if (src[i] == CandleSource.FILLED.code()) {
                continue;
            }
            if (prev >= 0) {
                long end = bounded ? Math.min(t[i], t[prev] + maxFillMillis + 1) : t[i];
                flat(out, t[prev] + tf.millis(), Math.min(end, until), tf.millis(), in.close(prev));
            }
            out.add(t[i], in.open(i), in.high(i), in.low(i), in.close(i), in.volume(i), in.quoteVolume(i),
                    in.tradeCount(i), in.takerBuyVolume(i), in.source(i));
            prev = i;
        }
        if (bounded && prev >= 0) {
            flat(out, t[prev] + tf.millis(), Math.min(until, t[prev] + maxFillMillis + 1), tf.millis(), in.close(prev));
        }
        return out.build();
    }

    /** Flat zero-volume candles at {@code from, from + step, ...} before {@code to}, all at {@code price}. */
    private static void flat(CandleSeries.Builder out, long from, long to, long step, double price) {
        for (long m = from; m < to; m += step) {
            out.add(m, price, price, price, price, 0, 0, 0, 0, CandleSource.FILLED);
        }
    }

    private static void requireCoarser(Timeframe from, Timeframe to) {
        if (!from.divides(to)) {
            throw new IllegalArgumentException("cannot resample " + from + " bars to " + to
                    + ": the target must be a coarser multiple");
        }
    }
}
