package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.util.Arrays;
import java.util.List;

/**
 * Bars as the store keeps them, whatever their kind: open times (ascending, distinct), value columns of doubles and of
 * longs, and each bar's source code. Candles are 7 doubles (open, high, low, close, volume, quote volume, taker-buy
 * volume) and 1 long (trade count); quote bars 10 doubles in {@link QuoteCandleSeries}'s column order and no long.
 */
record Bars(long[] time, double[][] d, long[][] l, byte[] src) {

    int size() {
        return time.length;
    }

    static Bars empty(int doubles, int longs) {
        return new Bars(new long[0], new double[doubles][0], new long[longs][0], new byte[0]);
    }

    static Bars of(CandleSeries c) {
        int n = c.size();
        return new Bars(Arrays.copyOf(c.openTimes(), n), new double[][] {Arrays.copyOf(c.opens(), n),
            Arrays.copyOf(c.highs(), n), Arrays.copyOf(c.lows(), n), Arrays.copyOf(c.closes(), n),
            Arrays.copyOf(c.volumes(), n), Arrays.copyOf(c.quoteVolumes(), n), Arrays.copyOf(c.takerBuyVolumes(), n)},
                new long[][] {Arrays.copyOf(c.tradeCounts(), n)}, Arrays.copyOf(c.sources(), n));
    }

    CandleSeries candles(Market market, Timeframe tf) {
        return CandleSeries.wrap(market, tf, time, d[0], d[1], d[2], d[3], d[4], d[5], l[0], d[6], src);
    }

    static Bars of(QuoteCandleSeries q) {
        int n = q.size();
        double[][] d = new double[10][];
        for (int c = 0; c < 10; c++) {
            d[c] = Arrays.copyOf(q.column(c), n);
        }
        return new Bars(Arrays.copyOf(q.openTimes(), n), d, new long[0][], Arrays.copyOf(q.sources(), n));
    }

    QuoteCandleSeries quoteCandles(Market market, Timeframe tf) {
        return QuoteCandleSeries.wrap(market, tf, time, d, src);
    }

    /** The first index whose open time is at least {@code t}. */
    int lowerBound(long t) {
        int i = Arrays.binarySearch(time, t);
        return i >= 0 ? i : -i - 1;
    }

    /** The bars with {@code from <= time < to}. */
    Bars between(long from, long to) {
        int a = lowerBound(from);
        int b = Math.max(a, lowerBound(to));
        if (a == 0 && b == size()) {
            return this;
        }
        int[] idx = new int[b - a];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = a + i;
        }
        return select(idx);
    }

    /** The bars at the given indices, in their order. */
    Bars select(int[] idx) {
        int n = idx.length;
        long[] t = new long[n];
        byte[] s = new byte[n];
        double[][] dd = new double[d.length][n];
        long[][] ll = new long[l.length][n];
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            t[k] = time[i];
            s[k] = src[i];
            for (int c = 0; c < d.length; c++) {
                dd[c][k] = d[c][i];
            }
            for (int c = 0; c < l.length; c++) {
                ll[c][k] = l[c][i];
            }
        }
        return new Bars(t, dd, ll, s);
    }

    /**
     * The bars of all {@code parts} in time order. Their times must be distinct: a time in two parts is a programming
     * error, refused.
     */
    static Bars merge(int doubles, int longs, List<Bars> parts) {
        int n = 0;
        for (Bars p : parts) {
            n += p.size();
        }
        long[] t = new long[n];
        int[] part = new int[n];
        int[] row = new int[n];
        int k = 0;
        for (int p = 0; p < parts.size(); p++) {
            Bars b = parts.get(p);
            for (int i = 0; i < b.size(); i++) {
                t[k] = b.time[i];
                part[k] = p;
                row[k] = i;
                k++;
            }
        }
        Integer[] order = new Integer[n];
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            sorted &= i == 0 || t[i - 1] < t[i];
        }
        if (!sorted) {
            Arrays.sort(order, (x, y) -> Long.compare(t[x], t[y]));
        }
        long[] ot = new long[n];
        byte[] os = new byte[n];
        double[][] od = new double[doubles][n];
        long[][] ol = new long[longs][n];
        for (int j = 0; j < n; j++) {
            int o = order[j];
            Bars b = parts.get(part[o]);
            int i = row[o];
            ot[j] = b.time[i];
            if (j > 0 && ot[j] == ot[j - 1]) {
                throw new IllegalStateException("two bars at " + ot[j]);
            }
            os[j] = b.src[i];
            for (int c = 0; c < doubles; c++) {
                od[c][j] = b.d[c][i];
            }
            for (int c = 0; c < longs; c++) {
                ol[c][j] = b.l[c][i];
            }
        }
        return new Bars(ot, od, ol, os);
    }

    /** The indices of the bars whose source is (or, with {@code keep} false, is not) {@code code}. */
    int[] withSource(byte code, boolean keep) {
        int[] out = new int[size()];
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if ((src[i] == code) == keep) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The indices of the bars whose time is not among {@code times} (ascending). */
    int[] notAt(long[] times) {
        int[] out = new int[size()];
        int n = 0;
        int e = 0;
        for (int i = 0; i < size(); i++) {
            while (e < times.length && times[e] < time[i]) {
                e++;
            }
            if (e < times.length && times[e] == time[i]) {
                continue;
            }
            out[n++] = i;
        }
        return Arrays.copyOf(out, n);
    }
}
