package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import java.util.Arrays;
import java.util.List;

/**
 * A stored series' rows as the store keeps them, whatever their kind: times (ascending), value columns of doubles and
 * of longs, and one byte per row. Candles are 7 doubles (open, high, low, close, volume, quote volume, taker-buy
 * volume), 1 long (trade count) and their source code, one bar per time; quote bars 10 doubles in
 * {@link QuoteCandleSeries}'s column order and their source. Ticks are keyed by time and seq (their first long):
 * trades are 2 doubles (price, quantity), 2 longs (seq, trade id) and their side; quotes 4 doubles (bid, bid size,
 * ask, ask size), 1 long (seq) and a 0.
 */
record Bars(long[] time, double[][] d, long[][] l, byte[] src) {

    int size() {
        return time.length;
    }

    static Bars empty(int doubles, int longs) {
        return new Bars(new long[0], new double[doubles][0], new long[longs][0], new byte[0]);
    }

    /**
     * A series' candles as rows, on the series' own columns: they hold exactly its candles (every way a series is made
     * sizes them so), and they are read-only, as these rows are.
     */
    static Bars of(CandleSeries c) {
        return new Bars(c.openTimes(), new double[][] {c.opens(), c.highs(), c.lows(), c.closes(), c.volumes(),
            c.quoteVolumes(), c.takerBuyVolumes()}, new long[][] {c.tradeCounts()}, c.sources());
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

    /** Trades with {@code seq} as their keys' seqs. */
    static Bars ofTrades(TradeSeries t, long[] seq) {
        int n = t.size();
        return new Bars(Arrays.copyOf(t.times(), n), new double[][] {Arrays.copyOf(t.prices(), n),
            Arrays.copyOf(t.quantities(), n)}, new long[][] {Arrays.copyOf(seq, n), Arrays.copyOf(t.tradeIds(), n)},
                Arrays.copyOf(t.sides(), n));
    }

    TradeSeries trades(Market market) {
        return TradeSeries.wrap(market, time, l[0], d[0], d[1], src, l[1]);
    }

    /** Quote ticks with {@code seq} as their keys' seqs. */
    static Bars ofQuotes(QuoteSeries q, long[] seq) {
        int n = q.size();
        return new Bars(Arrays.copyOf(q.times(), n), new double[][] {Arrays.copyOf(q.bids(), n),
            Arrays.copyOf(q.bidSizes(), n), Arrays.copyOf(q.asks(), n), Arrays.copyOf(q.askSizes(), n)},
                new long[][] {Arrays.copyOf(seq, n)}, new byte[n]);
    }

    QuoteSeries quotes(Market market) {
        return QuoteSeries.wrap(market, time, l[0], d[0], d[1], d[2], d[3]);
    }

    /** The first index whose time is at least {@code t} (times ascend; ticks may share one). */
    int lowerBound(long t) {
        return lowerBound(time, t);
    }

    /** The first index of {@code times} (ascending) at or after {@code t}, or its length. */
    static int lowerBound(long[] times, long t) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of the tick keyed (t, seq), or -1. */
    int keyIndex(long t, long seq) {
        for (int i = lowerBound(t); i < time.length && time[i] == t; i++) {
            if (l[0][i] == seq) {
                return i;
            }
        }
        return -1;
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

    /** The bars at the given indices, in their order (these rows themselves when the indices are all of them). */
    Bars select(int[] idx) {
        int n = idx.length;
        if (n == size() && (n == 0 || (idx[0] == 0 && idx[n - 1] == n - 1 && ascending(idx)))) {
            return this;
        }
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

    /** Whether the indices strictly ascend (then n of them from 0 to n - 1 are each index once). */
    private static boolean ascending(int[] idx) {
        for (int k = 1; k < idx.length; k++) {
            if (idx[k] <= idx[k - 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The rows of all {@code parts} of a series of {@code kind} in key order (time, and seq for ticks). Keys must be
     * distinct: a key in two parts is a programming error, refused. When one part holds every row (the others are
     * empty) and its keys ascend, that part is the result.
     */
    static Bars merge(BarSegments.Kind kind, List<Bars> parts) {
        int n = 0;
        int nonEmpty = 0;
        Bars only = null;
        for (Bars p : parts) {
            n += p.size();
            if (p.size() > 0) {
                nonEmpty++;
                only = p;
            }
        }
        if (nonEmpty == 1 && only.d.length == kind.doubles && only.l.length == kind.longs
                && inOrder(List.of(only), kind.ticks)) {
            return only;
        }
        if (!inOrder(parts, kind.ticks)) {
            return sorted(kind, parts, n);
        }
        // the usual case (parts in time order, none overlapping): whole columns copied
        long[] ot = new long[n];
        byte[] os = new byte[n];
        double[][] od = new double[kind.doubles][n];
        long[][] ol = new long[kind.longs][n];
        int at = 0;
        for (Bars b : parts) {
            int m = b.size();
            System.arraycopy(b.time, 0, ot, at, m);
            System.arraycopy(b.src, 0, os, at, m);
            for (int c = 0; c < od.length; c++) {
                System.arraycopy(b.d[c], 0, od[c], at, m);
            }
            for (int c = 0; c < ol.length; c++) {
                System.arraycopy(b.l[c], 0, ol[c], at, m);
            }
            at += m;
        }
        return new Bars(ot, od, ol, os);
    }

    /** Whether the parts' rows, one part after the other, are in strictly ascending key order. */
    private static boolean inOrder(List<Bars> parts, boolean ticks) {
        boolean any = false;
        long lastT = 0;
        long lastQ = 0;
        for (Bars b : parts) {
            long[] t = b.time;
            long[] q = ticks ? b.l[0] : null;
            for (int i = 0; i < t.length; i++) {
                long qi = ticks ? q[i] : 0;
                if (any && (t[i] < lastT || (t[i] == lastT && qi <= lastQ))) {
                    return false;
                }
                any = true;
                lastT = t[i];
                lastQ = qi;
            }
        }
        return true;
    }

    /** {@link #merge} of parts out of order: every row placed by its key; a key twice is refused. */
    private static Bars sorted(BarSegments.Kind kind, List<Bars> parts, int n) {
        boolean ticks = kind.ticks;
        long[] t = new long[n];
        long[] q = new long[n];
        int[] part = new int[n];
        int[] row = new int[n];
        int k = 0;
        for (int p = 0; p < parts.size(); p++) {
            Bars b = parts.get(p);
            for (int i = 0; i < b.size(); i++) {
                t[k] = b.time[i];
                q[k] = ticks ? b.l[0][i] : 0;
                part[k] = p;
                row[k] = i;
                k++;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> t[x] != t[y] ? Long.compare(t[x], t[y]) : Long.compare(q[x], q[y]));
        long[] ot = new long[n];
        byte[] os = new byte[n];
        double[][] od = new double[kind.doubles][n];
        long[][] ol = new long[kind.longs][n];
        for (int j = 0; j < n; j++) {
            int o = order[j];
            Bars b = parts.get(part[o]);
            int i = row[o];
            ot[j] = b.time[i];
            if (j > 0 && t[o] == t[order[j - 1]] && q[o] == q[order[j - 1]]) {
                throw new IllegalStateException("two " + kind.label + " rows keyed " + ot[j] + (ticks ? "/" + q[o] : ""));
            }
            os[j] = b.src[i];
            for (int c = 0; c < od.length; c++) {
                od[c][j] = b.d[c][i];
            }
            for (int c = 0; c < ol.length; c++) {
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
