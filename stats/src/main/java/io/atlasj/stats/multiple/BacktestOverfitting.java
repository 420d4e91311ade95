package io.atlasj.stats.multiple;

import io.atlasj.stats.trading.Performance;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV): Bailey, Borwein,
 * López de Prado and Zhu, "The Probability of Backtest Overfitting", Journal of Computational Finance 20(4), 2017.
 *
 * <p>The {@code T x N} matrix of per-row performance (rows in time order, one column per trial) is cut into
 * {@code S} (even) contiguous blocks of equal size (leftover rows at the end are dropped). For every choice of
 * {@code S/2} blocks as the in-sample set (the rest out-of-sample), the trial with the best in-sample statistic is
 * found; its out-of-sample rank {@code r} among the {@code N} trials (1 = worst) gives the relative rank
 * {@code w = r / (N + 1)} and the logit {@code ln(w / (1 - w))}. PBO is the share of combinations whose logit is
 * at most zero, that is where the in-sample best is at or below the out-of-sample median.
 */
public final class BacktestOverfitting {
    private BacktestOverfitting() {
    }

    /**
     * @param pbo          probability of backtest overfitting
     * @param logits       one logit per combination
     * @param combinations number of combinations, {@code C(S, S/2)}
     */
    public record Result(double pbo, double[] logits, int combinations) {
    }

    /**
     * The PBO of trials without skill: the in-sample best's out-of-sample rank is then uniform on {@code 1..N}, and
     * its logit is at most 0 when the rank is at most {@code (N + 1) / 2}, so PBO is {@code floor((N + 1) / 2) / N}:
     * 1/2 for an even {@code N}, {@code (N + 1) / 2N} for an odd one (2/3 for 3 trials). A PBO is only evidence of
     * skilful selection below this.
     */
    public static double noSkill(int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("need at least 1 trial, got " + trials);
        }
        return Math.floor((trials + 1) / 2.0) / trials;
    }

    /** PBO with the per-row Sharpe ratio (mean / sample standard deviation) as the statistic. */
    public static Result pbo(double[][] performance, int blocks) {
        return pbo(performance, blocks, Performance::sharpe);
    }

    /**
     * PBO with {@code statistic} computed on each trial's rows of a half. Ties in the in-sample statistic go to the
     * lower column index; out-of-sample ties share the average rank. NaN statistics rank lowest.
     */
    public static Result pbo(double[][] performance, int blocks, ToDoubleFunction<double[]> statistic) {
        int t = performance.length;
        if (blocks < 2 || blocks % 2 != 0) {
            throw new IllegalArgumentException("blocks must be even and at least 2, got " + blocks);
        }
        if (t < blocks) {
            throw new IllegalArgumentException("need at least one row per block: " + t + " rows, " + blocks + " blocks");
        }
        int n = performance[0].length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 trials, got " + n);
        }
        int size = t / blocks;
        return cscv(blocks, n, (j, in, want) -> statistic.applyAsDouble(column(performance, j, in, want, size)));
    }

    /**
     * {@link #pbo(double[][], int)} (the Sharpe ratio as the statistic) for thousands of trials: {@code columns} holds
     * one array of rows per trial (the transpose of {@code performance}). Each trial's blocks are summed once (sum,
     * sum of squares, and whether the block is constant), so a combination's Sharpe ratios
     * come from {@code S} block figures instead of {@code T} rows; trials are summed in parallel. Same logits as the
     * definition up to rounding (the tests check they agree); a half whose rows are all equal has no Sharpe ratio
     * (NaN), as there.
     */
    public static Result pboSharpe(double[][] columns, int blocks) {
        if (blocks < 2 || blocks % 2 != 0) {
            throw new IllegalArgumentException("blocks must be even and at least 2, got " + blocks);
        }
        int n = columns.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 trials, got " + n);
        }
        int t = columns[0].length;
        if (t < blocks) {
            throw new IllegalArgumentException("need at least one row per block: " + t + " rows, " + blocks + " blocks");
        }
        int size = t / blocks;
        double[][] sum = new double[n][blocks];
        double[][] squares = new double[n][blocks];
        double[][] first = new double[n][blocks];
        boolean[][] flat = new boolean[n][blocks];
        java.util.stream.IntStream.range(0, n).parallel().forEach(j -> {
            double[] x = columns[j];
            // raw sums (not about the trial's own mean): two trials equal over a half then give bit-equal figures
            // for it, so ties break as in the definition; per-bar returns are small enough for the precision
            for (int b = 0; b < blocks; b++) {
                double s1 = 0;
                double s2 = 0;
                boolean same = true;
                double v0 = x[b * size];
                for (int r = b * size; r < (b + 1) * size; r++) {
                    double d = x[r];
                    s1 += d;
                    s2 += d * d;
                    same &= x[r] == v0;
                }
                sum[j][b] = s1;
                squares[j][b] = s2;
                first[j][b] = v0;
                flat[j][b] = same;
            }
        });
        int half = blocks / 2 * size;
        return cscv(blocks, n, (j, in, want) -> halfSharpe(sum[j], squares[j], first[j], flat[j], in, want, half));
    }

    /** A trial's statistic on the blocks of one half: those {@code in} says are {@code want}. */
    private interface Half {
        double statistic(int trial, boolean[] in, boolean want);
    }

    /** Every choice of half the blocks as in-sample: the logit of each, and the share at most 0. */
    private static Result cscv(int blocks, int n, Half half) {
        List<int[]> combos = new ArrayList<>();
        choose(blocks, blocks / 2, 0, new int[blocks / 2], 0, combos);
        double[] logits = new double[combos.size()];
        int overfit = 0;
        for (int c = 0; c < combos.size(); c++) {
            boolean[] in = new boolean[blocks];
            for (int b : combos.get(c)) {
                in[b] = true;
            }
            double[] is = new double[n];
            double[] oos = new double[n];
            for (int j = 0; j < n; j++) {
                is[j] = half.statistic(j, in, true);
                oos[j] = half.statistic(j, in, false);
            }
            logits[c] = logit(is, oos);
            overfit += logits[c] <= 0 ? 1 : 0;
        }
        return new Result((double) overfit / combos.size(), logits, combos.size());
    }

    private static double halfSharpe(double[] sum, double[] squares, double[] first, boolean[] flat,
                                     boolean[] in, boolean want, int rows) {
        double s1 = 0;
        double s2 = 0;
        boolean constant = true;
        double v0 = Double.NaN;
        for (int b = 0; b < in.length; b++) {
            if (in[b] == want) {
                s1 += sum[b];
                s2 += squares[b];
                if (Double.isNaN(v0)) {
                    v0 = first[b];
                }
                constant &= flat[b] && first[b] == v0;
            }
        }
        if (rows < 2 || constant) {
            return Double.NaN;
        }
        double meanDev = s1 / rows;
        double var = (s2 - s1 * meanDev) / (rows - 1);
        return var <= 0 ? Double.NaN : meanDev / Math.sqrt(var);
    }

    /** The logit of the out-of-sample relative rank of the in-sample best (ties as in {@link #pbo}). */
    private static double logit(double[] is, double[] oos) {
        int n = is.length;
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (greater(is[j], is[best])) {
                best = j;
            }
        }
        double rank = 1;
        double ties = 0;
        for (int j = 0; j < n; j++) {
            if (j != best) {
                if (greater(oos[best], oos[j])) {
                    rank++;
                } else if (same(oos[best], oos[j])) {
                    ties++;
                }
            }
        }
        rank += ties / 2;
        double w = rank / (n + 1);
        return Math.log(w / (1 - w));
    }

    private static boolean greater(double a, double b) {
        return !Double.isNaN(a) && (Double.isNaN(b) || a > b);
    }

    private static boolean same(double a, double b) {
        return Double.isNaN(a) && Double.isNaN(b) || a == b;
    }

    private static double[] column(double[][] m, int j, boolean[] in, boolean want, int size) {
        int blocks = in.length;
        int count = 0;
        for (boolean b : in) {
            count += b == want ? 1 : 0;
        }
        double[] out = new double[count * size];
        int k = 0;
        for (int b = 0; b < blocks; b++) {
            if (in[b] == want) {
                for (int r = b * size; r < (b + 1) * size; r++) {
                    out[k++] = m[r][j];
                }
            }
        }
        return out;
    }

    private static void choose(int n, int k, int start, int[] cur, int depth, List<int[]> out) {
        if (depth == k) {
            out.add(cur.clone());
            return;
        }
        for (int i = start; i < n; i++) {
            cur[depth] = i;
            choose(n, k, i + 1, cur, depth + 1, out);
        }
    }
}
