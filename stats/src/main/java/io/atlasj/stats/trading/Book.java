package io.atlasj.stats.trading;

import io.atlasj.marketdata.UtcTime;

/**
 * Trades a model's signals in money against the closes of the label's market, marked to market every bar.
 *
 * <p><b>Slices.</b> A signal {@code s} in [-1, 1] formed at the close of the bar at row time {@code t} opens a
 * slice at the close of bar {@code t + delay} and holds it over the next {@code hold} bars, closing it at the close
 * of bar {@code t + delay + hold}: exactly the bars whose prices make the label (for {@code FutureReturn(h)} and the
 * classes built on it: delay 0, hold {@code h}). In the <em>staggered</em> book every row opens a slice of
 * {@code 1/hold} of the capital, so {@code hold} overlapping slices are open at once and no bar's return is counted
 * more than once (Jegadeesh and Titman's overlapping portfolios); with <em>non-overlapping holds</em> only every
 * {@code hold}-th decision is taken, at full size.
 *
 * <p><b>Marking.</b> The book's position over bar {@code b} is the sum of its open slices; the bar earns
 * {@code position * (close[b] / close[b-1] - 1)}, each bar's weights being reset to the slices' sizes (the usual
 * overlapping-portfolio convention). <b>Costs</b> are charged on what is traded at each close, the net change of the
 * position ({@code |position[b+1] - position[b]|}), at {@link io.atlasj.workspec.Costs#perUnit()}, so a slice
 * opening as another of the same sign closes trades nothing, and the last exit is charged. Bars that carry their
 * quoted half spread ({@link Prices.Bars#halfSpread()}, mid prices) charge it at each close on top of the given rate,
 * which is then the fee alone. Bars are indices in the
 * market's series: a label never crosses a gap in the bars, so neither does a slice.
 */
public final class Book {
    private Book() {
    }

    /**
     * The marked book, one element per bar from the first entry's bar to the last exit's bar.
     *
     * @param time         open time of each bar
     * @param position     position held over the bar (from the previous close to this close), in units of capital
     * @param marketReturn the bar's simple return {@code close / previous close - 1}
     * @param gross        {@code position * marketReturn}
     * @param traded       units of capital traded at this bar's close (the net change of the position)
     * @param cost         cost of that trade
     * @param net          {@code gross - cost}
     * @param trades       gross return of each slice that took a position (signal times the market's simple return
     *                     over its hold), in entry order: the per-trade view
     * @param tradeTime    row time of each such slice
     * @param sliceSize    capital of one slice: {@code 1/hold} in the staggered book, 1 with non-overlapping holds
     */
    public record Marked(long[] time, double[] position, double[] marketReturn, double[] gross, double[] traded,
                         double[] cost, double[] net, double[] trades, long[] tradeTime, int hold, double sliceSize) {
        public int bars() {
            return time.length;
        }
    }

    /** The staggered book: every row opens a slice of {@code 1/hold}. */
    public static Marked staggered(Prices.Bars bars, long[] rowTime, double[] signal, int delay, int hold,
                                   double costPerUnit) {
        boolean[] take = new boolean[rowTime.length];
        java.util.Arrays.fill(take, true);
        return mark(bars, rowTime, indices(bars, rowTime), signal, take, 1.0 / hold, delay, hold, costPerUnit);
    }

    /**
     * Non-overlapping holds of the whole capital: the row {@code offset} bars after the first one decides, then the
     * first row at least {@code hold} bars after each decision (bars counted in the market's series).
     */
    public static Marked nonOverlapping(Prices.Bars bars, long[] rowTime, double[] signal, int delay, int hold,
                                        double costPerUnit, int offset) {
        boolean[] take = new boolean[rowTime.length];
        int[] idx = indices(bars, rowTime);
        long next = rowTime.length == 0 ? 0 : (long) idx[0] + offset;
        for (int i = 0; i < rowTime.length; i++) {
            if (idx[i] >= next) {
                take[i] = true;
                next = (long) idx[i] + hold;
            }
        }
        return mark(bars, rowTime, idx, signal, take, 1.0, delay, hold, costPerUnit);
    }

    private static int[] indices(Prices.Bars bars, long[] rowTime) {
        int[] idx = new int[rowTime.length];
        long[] bt = bars.time();
        for (int i = 0; i < rowTime.length; i++) {
            if (i > 0 && rowTime[i] <= rowTime[i - 1]) {
                throw new IllegalArgumentException("row times must ascend: " + UtcTime.format(rowTime[i]) + " after "
                        + UtcTime.format(rowTime[i - 1]));
            }
            // rows ascend, so each one's bar is found by walking on from the last one's (one pass over both)
            int j = i == 0 ? Math.max(0, bars.indexOf(rowTime[0])) : idx[i - 1] + 1;
            while (j < bt.length && bt[j] < rowTime[i]) {
                j++;
            }
            idx[i] = j < bt.length && bt[j] == rowTime[i] ? j : -1;
            if (idx[i] < 0) {
                throw new IllegalArgumentException("the prices have no bar at row time " + UtcTime.format(rowTime[i])
                        + " (" + bars.size() + " bars read)");
            }
        }
        return idx;
    }

    private static Marked mark(Prices.Bars bars, long[] rowTime, int[] idx, double[] signal, boolean[] take,
                               double size, int delay, int hold, double costPerUnit) {
        if (rowTime.length != signal.length) {
            throw new IllegalArgumentException("row times " + rowTime.length + ", signals " + signal.length);
        }
        if (delay < 0 || hold < 1 || !(costPerUnit >= 0)) {
            throw new IllegalArgumentException("need delay >= 0, hold >= 1 and a cost >= 0, got " + delay + ", " + hold
                    + ", " + costPerUnit);
        }
        if (rowTime.length == 0) {
            throw new IllegalArgumentException("no rows to trade");
        }
        double[] close = bars.close();
        int first = idx[0] + delay;
        int last = idx[idx.length - 1] + delay + hold;
        if (last >= bars.size()) {
            throw new IllegalArgumentException("the prices end at " + UtcTime.format(bars.time()[bars.size() - 1])
                    + ", before the last row's hold (row " + UtcTime.format(rowTime[rowTime.length - 1]) + ", "
                    + (delay + hold) + " bars)");
        }
        double[] spread = bars.halfSpread();
        for (int b = Math.max(0, first - 1); b <= last; b++) {
            if (!(close[b] > 0) || Double.isInfinite(close[b])) {
                throw new IllegalArgumentException("close " + close[b] + " at " + UtcTime.format(bars.time()[b])
                        + " is not a positive price");
            }
            if (spread != null && !(spread[b] >= 0 && spread[b] < 1)) {
                throw new IllegalArgumentException("the quoted half spread " + spread[b] + " at "
                        + UtcTime.format(bars.time()[b]) + " is not a spread (bid above ask, or no quote)");
            }
        }
        int n = last - first + 1;
        double[] diff = new double[n + 2];
        int trades = 0;
        for (int i = 0; i < idx.length; i++) {
            double s = signal[i];
            if (!(s >= -1 && s <= 1)) {
                throw new IllegalArgumentException("signal " + s + " at " + UtcTime.format(rowTime[i]) + " is outside [-1, 1]");
            }
            if (take[i] && s != 0) {
                int from = idx[i] + delay + 1 - first;
                diff[from] += s * size;
                diff[from + hold] -= s * size;
                trades++;
            }
        }
        double[] tradeRet = new double[trades];
        long[] tradeTime = new long[trades];
        for (int i = 0, k = 0; i < idx.length; i++) {
            if (take[i] && signal[i] != 0) {
                int e = idx[i] + delay;
                tradeRet[k] = signal[i] * (close[e + hold] / close[e] - 1);
                tradeTime[k++] = rowTime[i];
            }
        }
        long[] time = new long[n];
        double[] pos = new double[n + 1];
        double[] ret = new double[n];
        double[] gross = new double[n];
        double[] traded = new double[n];
        double[] cost = new double[n];
        double[] net = new double[n];
        double p = 0;
        for (int j = 0; j <= n; j++) {
            p += diff[j];
            pos[j] = Math.abs(p) < 1e-12 ? 0 : p;
        }
        for (int j = 0; j < n; j++) {
            int b = first + j;
            time[j] = bars.time()[b];
            ret[j] = b == 0 ? 0 : close[b] / close[b - 1] - 1;
            gross[j] = pos[j] * ret[j];
            traded[j] = Math.abs(pos[j + 1] - pos[j]);
            cost[j] = (spread == null ? costPerUnit : costPerUnit + spread[b]) * traded[j];
            net[j] = gross[j] - cost[j];
        }
        return new Marked(time, java.util.Arrays.copyOf(pos, n), ret, gross, traded, cost, net, tradeRet, tradeTime, hold,
                size);
    }
}
