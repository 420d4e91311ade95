package io.atlasj.stats.trading;

import io.atlasj.stats.multiple.DeflatedSharpe;
import java.time.Duration;
import java.util.Arrays;

/**
 * The figures a quant reads beside a P&amp;L curve, from a {@link Book.Marked} book's per-bar net returns.
 *
 * <ul>
 *   <li><b>Sharpe ratio per bar</b>: mean / sample standard deviation (n - 1) of the net returns, no risk-free rate;
 *   its standard error is Mertens' {@code sqrt((1 - skew SR + (kurt - 1) / 4 SR^2) / (n - 1))} (kurtosis not excess),
 *   which allows for fat tails, and the 95% interval is {@code SR +- 1.96 se}.</li>
 *   <li><b>Annualised</b> Sharpe ratio and interval: times {@code sqrt(bars per year)}, only when the book spans at
 *   least {@link #MIN_ANNUALISED} (a Sharpe ratio of a day scaled to a year misleads); NaN otherwise.</li>
 *   <li><b>Probabilistic Sharpe Ratio</b> (Bailey and López de Prado 2012): the probability the true Sharpe ratio
 *   per bar is above 0.</li>
 *   <li><b>Per-trade expectancy</b>: mean gross return of the slices that took a position (signal times the market's
 *   return over the hold), in bps of the slice's capital, and the same less the book's costs shared over its
 *   trades. Its t-statistic uses the Newey-West standard error with {@code hold - 1} lags (Bartlett weights), since
 *   slices entered on consecutive bars overlap.</li>
 *   <li><b>Turnover</b>: mean absolute change of the position per bar; <b>exposure</b>: mean absolute position.</li>
 *   <li><b>Total return</b> and <b>maximum drawdown</b> of the compounded equity {@code prod(1 + net)}; the drawdown is
 *   the largest fall from a running peak as a fraction of that peak, and its duration the longest time from a peak to
 *   the first bar back at it (or to the end).</li>
 * </ul>
 */
public record Performance(int bars, long spanMillis, double barsPerYear, double meanNet, double sharpe,
                          double sharpeSe, double sharpeAnnual, double sharpeAnnualLow, double sharpeAnnualHigh,
                          double grossSharpe, double psr, int trades, double expectancyBps, double expectancyNetBps,
                          double tStat, double turnover, double exposure, double totalReturn, double maxDrawdown,
                          long drawdownMillis, double costs) {
    /** Shortest span whose Sharpe ratio is annualised. */
    public static final Duration MIN_ANNUALISED = Duration.ofDays(30);

    /** True when the annualised figures are shown. */
    public boolean annualised() {
        return !Double.isNaN(sharpeAnnual);
    }

    /** The span in words: hours below two days, else days. */
    public String spanText() {
        return duration(spanMillis);
    }

    /** A duration in words: hours below two days, else days. */
    public static String duration(long millis) {
        double h = millis / 3_600_000d;
        return h < 48 ? String.format(java.util.Locale.ROOT, "%.1f hours", h)
                : String.format(java.util.Locale.ROOT, "%.1f days", h / 24);
    }

    /**
     * The sample skewness (bias-corrected, {@code n / ((n-1)(n-2)) * sum(d^3) / s^3}), NaN under 3 values or for a
     * constant: Apache Commons Math's definition, computed with products instead of its {@code pow} calls, which
     * took a tenth of a report over 10,000 models.
     */
    public static double skewness(double[] x) {
        int n = x.length;
        if (n < 3) {
            return Double.NaN;
        }
        double[] m = centralSums(x);
        double var = m[5];
        return (double) n / ((n - 1.0) * (n - 2.0)) * (m[3] / (var * Math.sqrt(var)));
    }

    /**
     * The sample kurtosis (not excess: 3 for a normal sample; bias-corrected as Apache Commons Math's excess kurtosis,
     * plus 3), NaN under 4 values or for a constant.
     */
    public static double kurtosis(double[] x) {
        int n = x.length;
        if (n < 4) {
            return Double.NaN;
        }
        double[] m = centralSums(x);
        double var = m[5];
        double n0 = n;
        double one = n0 * (n0 + 1) / ((n0 - 1) * (n0 - 2) * (n0 - 3));
        double two = 3 * (n0 - 1) * (n0 - 1) / ((n0 - 2) * (n0 - 3));
        return one * (m[4] / (var * var)) - two + 3;
    }

    /**
     * Sums of the deviations from the (two-pass) mean and the sample variance from them:
     * {@code [n, sum d, sum d^2, sum d^3, sum d^4, variance]}.
     */
    private static double[] centralSums(double[] x) {
        double mean = mean(x);
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (double v : x) {
            double d = v - mean;
            double d2 = d * d;
            s1 += d;
            s2 += d2;
            s3 += d2 * d;
            s4 += d2 * d2;
        }
        int n = x.length;
        return new double[] {n, s1, s2, s3, s4, (s2 - s1 * s1 / n) / (n - 1)};
    }

    public static Performance of(Book.Marked m, double barsPerYear) {
        int n = m.bars();
        double[] net = m.net();
        double sr = sharpe(net);
        double skew = skewness(net);
        double kurt = kurtosis(net);
        double se = Double.NaN;
        double psr = Double.NaN;
        if (Double.isFinite(sr) && Double.isFinite(skew) && Double.isFinite(kurt)) {
            double v = 1 - skew * sr + (kurt - 1) / 4 * sr * sr;
            se = v > 0 ? Math.sqrt(v / (n - 1)) : Double.NaN;
            psr = DeflatedSharpe.probabilistic(sr, 0, n, skew, kurt);
        }
        long span = n == 0 ? 0 : m.time()[n - 1] - m.time()[0];
        double a = Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (span >= MIN_ANNUALISED.toMillis()) {
            double k = Math.sqrt(barsPerYear);
            a = sr * k;
            lo = (sr - 1.96 * se) * k;
            hi = (sr + 1.96 * se) * k;
        }
        double costs = Arrays.stream(m.cost()).sum();
        int trades = m.trades().length;
        double exp = trades == 0 ? Double.NaN : Arrays.stream(m.trades()).average().orElseThrow();
        // costs are in units of the whole capital, a trade's return in units of its slice
        double costPerTrade = trades == 0 ? Double.NaN : costs / m.sliceSize() / trades;
        double nwSe = neweyWestSe(m.trades(), m.hold() - 1);
        double equity = 1;
        double peak = 1;
        double dd = 0;
        long peakTime = n == 0 ? 0 : m.time()[0];
        long longest = 0;
        for (int i = 0; i < n; i++) {
            equity *= 1 + net[i];
            if (equity >= peak) {
                peak = equity;
                peakTime = m.time()[i];
            } else {
                dd = Math.max(dd, 1 - equity / peak);
                longest = Math.max(longest, m.time()[i] - peakTime);
            }
        }
        return new Performance(n, span, barsPerYear, n == 0 ? Double.NaN : Arrays.stream(net).average().orElseThrow(),
                sr, se, a, lo, hi, sharpe(m.gross()), psr, trades, exp * 10_000, (exp - costPerTrade) * 10_000,
                (exp - costPerTrade) / nwSe, mean(m.traded()), meanAbs(m.position()), equity - 1, dd, longest, costs);
    }

    /** Per-bar Sharpe ratio: mean / sample standard deviation (n - 1); NaN for fewer than 2 values or no spread. */
    public static double sharpe(double[] r) {
        if (r.length < 2) {
            return Double.NaN;
        }
        double mean = mean(r);
        double ss = 0;
        for (double v : r) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (r.length - 1));
        return sd == 0 ? Double.NaN : mean / sd;
    }

    /**
     * Newey-West (1987) standard error of the mean of {@code x} with {@code lags} Bartlett-weighted autocovariances
     * (autocovariances divide by n); with 0 lags the plain {@code sqrt(var / n)} with var dividing by n.
     */
    public static double neweyWestSe(double[] x, int lags) {
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        double var = s / n;
        for (int l = 1; l <= Math.min(lags, n - 1); l++) {
            double g = 0;
            for (int t = l; t < n; t++) {
                g += (x[t] - m) * (x[t - l] - m);
            }
            var += 2 * (1 - l / (lags + 1.0)) * g / n;
        }
        return var > 0 ? Math.sqrt(var / n) : Double.NaN;
    }

    /**
     * Bars per year from bar open times: a 365.25-day year of continuous trading (crypto markets never close)
     * divided by the median spacing of consecutive times, so gaps in the data do not distort it.
     */
    public static double barsPerYear(long[] time) {
        if (time.length < 2) {
            throw new IllegalArgumentException("need at least 2 times to know the bar interval, got " + time.length);
        }
        long[] d = new long[time.length - 1];
        for (int i = 1; i < time.length; i++) {
            d[i - 1] = time[i] - time[i - 1];
        }
        Arrays.sort(d);
        long median = d[d.length / 2];
        if (median <= 0) {
            throw new IllegalArgumentException("times are not ascending (median spacing " + median + " ms)");
        }
        return 365.25 * 86_400_000d / median;
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElseThrow();
    }

    private static double meanAbs(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).map(Math::abs).average().orElseThrow();
    }
}
