package io.atlasj.features.eval;

import java.util.Arrays;

/**
 * Streaming numeric kernels over one contiguous segment of bars. Each is one O(n) pass; {@code NaN} in the input
 * makes every output whose window contains it {@code NaN}. Output index {@code i} uses inputs up to {@code i} only,
 * and those that carry arithmetic along the series restart at the {@link Timeline}'s anchors, so that it uses a bounded
 * stretch of them.
 */
public final class Kernels {
    private Kernels() {
    }

    public static double[] nan(int n) {
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        return out;
    }

    /**
     * Rolling mean over {@code w} values. The running sum is recomputed exactly at the first full window of each block
     * of {@code w} bars counted from the epoch ({@link Timeline#block(int, int)}), never counted from the first bar
     * read, so a value depends on the last {@code 2 w - 1} values only; and a window of {@code w} equal values gives that value exactly, so that flat or
     * all-zero windows are detected exactly by the kernels built on this one (a zero volume sum, a zero variance).
     * Non-finite inputs count as missing.
     */
    public static double[] sma(double[] x, int w, Timeline t) {
        int n = check(x, t);
        double[] out = nan(n);
        double sum = 0;
        int bad = 0;
        int equalRun = 0;
        // the exact block's time bounds, [lo, hi): a bar is in it when its time is (one comparison per bar instead
        // of a division; the same blocks as Timeline.block)
        long[] time = t.time();
        long span = t.span(w);
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            double v = x[i];
            if (!Double.isFinite(v)) {
                bad++;
                equalRun = 0;
            } else {
                sum += v;
                equalRun = i > 0 && x[i - 1] == v ? equalRun + 1 : 1;
            }
            if (i >= w) {
                double old = x[i - w];
                if (!Double.isFinite(old)) {
                    bad--;
                } else {
                    sum -= old;
                }
            }
            if (i >= w - 1 && bad == 0) {
                if (time[i] < lo || time[i] >= hi) {
                    sum = 0;
                    for (int k = i - w + 1; k <= i; k++) {
                        sum += x[k];
                    }
                    lo = Math.floorDiv(time[i], span) * span;
                    hi = lo + span;
                }
                out[i] = equalRun >= w ? v : sum / w;
            }
        }
        return out;
    }

    /** Rolling sum over {@code w} values. */
    public static double[] sum(double[] x, int w, Timeline t) {
        double[] m = sma(x, w, t);
        for (int i = 0; i < m.length; i++) {
            m[i] *= w;
        }
        return m;
    }

    /**
     * Rolling standard deviation over {@code w} values; {@code sample} divides by {@code w - 1}, otherwise by
     * {@code w}. One pass with a rolling Welford update (mean and sum of squared deviations), recomputed exactly at
     * the first full window of each anchor block ({@link Timeline}) and after every NaN, so that rounding cannot drift
     * and a value does not depend on where reading began.
     */
    public static double[] std(double[] x, int w, boolean sample, Timeline t) {
        int n = check(x, t);
        double[] out = nan(n);
        if (w < 1 || n < w) {
            return out;
        }
        double div = sample ? w - 1 : w;
        int lastNan = -1;
        boolean valid = false;
        double mean = 0;
        double m2 = 0;
        long[] time = t.time();
        long span = t.span(Timeline.ANCHOR_BARS);
        long lo = Long.MAX_VALUE; // the exact block's time bounds, [lo, hi), as in sma
        long hi = Long.MIN_VALUE;
        int equalRun = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i])) {
                lastNan = i;
                valid = false;
                equalRun = 0;
                continue;
            }
            equalRun = i > 0 && x[i - 1] == x[i] ? equalRun + 1 : 1;
            if (i - w + 1 <= lastNan || i < w - 1) {
                continue;
            }
            if (!valid || time[i] < lo || time[i] >= hi) {
                mean = 0;
                for (int k = i - w + 1; k <= i; k++) {
                    mean += x[k];
                }
                mean /= w;
                m2 = 0;
                for (int k = i - w + 1; k <= i; k++) {
                    double d = x[k] - mean;
                    m2 += d * d;
                }
                valid = true;
                lo = Math.floorDiv(time[i], span) * span;
                hi = lo + span;
            } else {
                double in = x[i];
                double old = x[i - w];
                double newMean = mean + (in - old) / w;
                m2 += (in - old) * (in - newMean + old - mean);
                mean = newMean;
            }
            out[i] = equalRun >= w ? 0 : Math.sqrt(Math.max(0, m2) / div);
        }
        return out;
    }

    /**
     * Exponential moving average with smoothing {@code alpha}, seeded with the first value (ta4j's convention). The
     * values of each anchor block ({@link Timeline}) come from a recursion started {@link #emaWarmup} bars before the
     * block (or at the segment's first bar, or after a NaN, when later), where the seed's weight has fallen below
     * 1e-12: the same values as one recursion over the whole segment to about that precision (a difference of two
     * EMAs, MACD's line, keeps it), and the same bits whatever bar reading began at, as long as it began that far
     * before the block.
     */
    public static double[] ema(double[] x, double alpha, Timeline t) {
        int n = check(x, t);
        double[] out = nan(n);
        int warm = emaWarmup(alpha);
        long[] time = t.time();
        long span = t.span(Timeline.ANCHOR_BARS);
        int a = 0;
        while (a < n) {
            // [a, b): the bars of a's anchor block (compared with its time bounds: the same blocks as Timeline.block)
            long lo = Math.floorDiv(time[a], span) * span;
            long hi = lo + span;
            int b = a + 1;
            while (b < n && time[b] >= lo && time[b] < hi) {
                b++;
            }
            double prev = Double.NaN;
            for (int i = Math.max(0, a - warm); i < b; i++) {
                double v = x[i];
                if (Double.isNaN(v)) {
                    prev = Double.NaN;
                    continue;
                }
                prev = Double.isNaN(prev) ? v : prev + alpha * (v - prev);
                if (i >= a) {
                    out[i] = prev;
                }
            }
            a = b;
        }
        return out;
    }

    /**
     * Bars after which an EMA's seed weighs under 1e-12: {@code ln(1e-12) / ln(1 - alpha)}, rounded up (about 13.8
     * windows of an EMA, 27.6 of Wilder's smoothing: within twice every recursive kind's warm-up, which its reach
     * counts).
     */
    public static int emaWarmup(double alpha) {
        return alpha >= 1 ? 0 : (int) Math.ceil(Math.log(1e-12) / Math.log1p(-alpha));
    }

    private static int check(double[] x, Timeline t) {
        if (x.length != t.size()) {
            throw new IllegalArgumentException(x.length + " values on a timeline of " + t.size() + " bars");
        }
        return x.length;
    }

    /** Rolling maximum over {@code w} values (monotone deque). */
    public static double[] max(double[] x, int w) {
        return extreme(x, w, true);
    }

    /** Rolling minimum over {@code w} values (monotone deque). */
    public static double[] min(double[] x, int w) {
        return extreme(x, w, false);
    }

    private static double[] extreme(double[] x, int w, boolean max) {
        int n = x.length;
        double[] out = nan(n);
        int[] dq = new int[n];
        int head = 0;
        int tail = 0;
        int lastNan = -1;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[i])) {
                lastNan = i;
                head = tail = 0;
                continue;
            }
            while (tail > head && (max ? x[dq[tail - 1]] <= x[i] : x[dq[tail - 1]] >= x[i])) {
                tail--;
            }
            dq[tail++] = i;
            while (dq[head] <= i - w) {
                head++;
            }
            if (i >= w - 1 && lastNan <= i - w) {
                out[i] = x[dq[head]];
            }
        }
        return out;
    }

    /** {@code x[i - n]}. */
    public static double[] lag(double[] x, int n) {
        double[] out = nan(x.length);
        System.arraycopy(x, 0, out, Math.min(n, x.length), Math.max(0, x.length - n));
        return out;
    }

    /** {@code x[i] - x[i - n]}. */
    public static double[] diff(double[] x, int n) {
        double[] out = nan(x.length);
        for (int i = n; i < x.length; i++) {
            out[i] = x[i] - x[i - n];
        }
        return out;
    }

    /** Rolling z-score over {@code w} values with the sample standard deviation; 0 where the std is 0. */
    public static double[] zscore(double[] x, int w, Timeline t) {
        double[] m = sma(x, w, t);
        double[] s = std(x, w, true, t);
        double[] out = nan(x.length);
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(m[i]) && !Double.isNaN(s[i])) {
                out[i] = s[i] == 0 ? 0 : (x[i] - m[i]) / s[i];
            }
        }
        return out;
    }

    /** One-bar log returns: {@code ln(x[i] / x[i-1])}. */
    public static double[] logReturns(double[] x, int lookback) {
        double[] out = nan(x.length);
        for (int i = lookback; i < x.length; i++) {
            out[i] = Math.log(x[i] / x[i - lookback]);
        }
        return out;
    }

    /** True range: {@code max(h, c[i-1]) - min(l, c[i-1])}; at the first bar {@code h - l} (ta4j's convention). */
    public static double[] trueRange(double[] h, double[] l, double[] c) {
        double[] out = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            if (i == 0) {
                out[i] = h[i] - l[i];
            } else {
                out[i] = Math.max(h[i], c[i - 1]) - Math.min(l[i], c[i - 1]);
            }
        }
        return out;
    }

    /** Rolling Pearson correlation of {@code a} and {@code b} over {@code w} values. */
    public static double[] correlation(double[] a, double[] b, int w, Timeline t) {
        return comoment(a, b, w, true, t);
    }

    /** Rolling beta of {@code a} on {@code b}: {@code cov(a, b) / var(b)} over {@code w} values. */
    public static double[] beta(double[] a, double[] b, int w, Timeline t) {
        return comoment(a, b, w, false, t);
    }

    private static double[] comoment(double[] a, double[] b, int w, boolean corr, Timeline t) {
        int n = a.length;
        double[] out = nan(n);
        double[] ma = sma(a, w, t);
        double[] mb = sma(b, w, t);
        for (int i = w - 1; i < n; i++) {
            if (Double.isNaN(ma[i]) || Double.isNaN(mb[i])) {
                continue;
            }
            double sab = 0;
            double saa = 0;
            double sbb = 0;
            for (int k = i - w + 1; k <= i; k++) {
                double da = a[k] - ma[i];
                double db = b[k] - mb[i];
                sab += da * db;
                saa += da * da;
                sbb += db * db;
            }
            if (corr) {
                out[i] = saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
            } else {
                out[i] = sbb == 0 ? Double.NaN : sab / sbb;
            }
        }
        return out;
    }
}
