package io.atlasj.stats.trading;

import java.util.Arrays;

/**
 * Trades predictions naively: at each row hold a position of +1 (long), -1 (short) or 0 (flat) chosen by the
 * prediction, earn {@code position * return} of that row, and pay {@code feeBps / 10,000} per unit of position
 * changed (entering from flat at the first row counts). P&amp;L is additive in the units of the returns (for log
 * returns: summed log returns, no compounding). No slippage, no funding, no sizing.
 */
public final class NaiveTrading {
    private NaiveTrading() {
    }

    /**
     * @param pnl         net P&amp;L per row
     * @param cumulative  running sum of {@code pnl}
     * @param total       the last cumulative value
     * @param sharpe      annualised Sharpe ratio: mean / sample standard deviation of {@code pnl}, times
     *                    {@code sqrt(periodsPerYear)}; no risk-free rate (NaN for a constant P&amp;L)
     * @param perPeriodSharpe the same, not annualised (what the Deflated Sharpe Ratio takes)
     * @param maxDrawdown the largest fall of {@code cumulative} from a running peak (the peak starts at 0), positive
     * @param turnover    mean absolute position change per row
     * @param hitRate     share of rows with a position whose gross P&amp;L is positive (NaN when never in the market)
     * @param fees        total fees paid
     */
    public record Result(double[] position, double[] pnl, double[] cumulative, double total, double sharpe,
                         double perPeriodSharpe, double maxDrawdown, double turnover, double hitRate, double fees) {
    }

    /** Trades {@code position} (each -1, 0 or +1, or any size) against {@code returns}. */
    public static Result run(double[] position, double[] returns, double feeBps, double periodsPerYear) {
        if (position.length != returns.length) {
            throw new IllegalArgumentException("position has " + position.length + " rows, returns " + returns.length);
        }
        if (feeBps < 0 || !(periodsPerYear > 0)) {
            throw new IllegalArgumentException("fees must be >= 0 bps and periods per year > 0, got " + feeBps + ", "
                    + periodsPerYear);
        }
        int n = position.length;
        double[] pnl = new double[n];
        double[] cum = new double[n];
        double prev = 0;
        double turnover = 0;
        double fees = 0;
        double sum = 0;
        double peak = 0;
        double dd = 0;
        int inMarket = 0;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            double change = Math.abs(position[i] - prev);
            double fee = change * feeBps / 10_000;
            double gross = position[i] * returns[i];
            pnl[i] = gross - fee;
            turnover += change;
            fees += fee;
            sum += pnl[i];
            cum[i] = sum;
            peak = Math.max(peak, sum);
            dd = Math.max(dd, peak - sum);
            if (position[i] != 0) {
                inMarket++;
                hits += gross > 0 ? 1 : 0;
            }
            prev = position[i];
        }
        double sr = sharpe(pnl);
        return new Result(position.clone(), pnl, cum, sum, sr * Math.sqrt(periodsPerYear), sr, dd,
                n == 0 ? Double.NaN : turnover / n, inMarket == 0 ? Double.NaN : (double) hits / inMarket, fees);
    }

    /** Per-row Sharpe ratio: mean / sample standard deviation (n - 1); NaN for fewer than 2 rows or zero spread. */
    public static double sharpe(double[] pnl) {
        if (pnl.length < 2) {
            return Double.NaN;
        }
        double mean = Arrays.stream(pnl).average().orElseThrow();
        double ss = 0;
        for (double v : pnl) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (pnl.length - 1));
        return sd == 0 ? Double.NaN : mean / sd;
    }

    /**
     * Bars per year from bar open times: a 365.25-day year of continuous trading (crypto markets never close)
     * divided by the median spacing of consecutive times, so gaps in the data do not distort it.
     */
    public static double periodsPerYear(long[] time) {
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

    /**
     * Position of a class prediction when the label's classes are in ascending order of return (Atlas's classes
     * are: 2 classes down, up; 3 classes down, flat, up): class {@code c} of {@code k} maps to
     * {@code signum(c - (k - 1) / 2)}, so the lower half is short, the upper half long, a middle class flat.
     */
    public static double classPosition(int c, int classes) {
        return Math.signum(c - (classes - 1) / 2.0);
    }
}
