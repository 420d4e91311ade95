package io.atlasj.stats.multiple;

import java.util.SplittableRandom;

/**
 * Does the best of {@code l} models beat a benchmark, allowing for having searched over all {@code l}? White (2000),
 * "A Reality Check for Data Snooping", Econometrica 68(5), and Hansen (2005), "A Test for Superior Predictive
 * Ability", Journal of Business and Economic Statistics 23(4). Input: the {@code n x l} matrix of relative
 * performance {@code d[t][k]} = performance of model {@code k} minus the benchmark's at row {@code t} (for trading,
 * the model's P&amp;L per bar when the benchmark is staying flat). Resampling: the stationary bootstrap of Politis
 * and Romano (1994), blocks of geometric length with the given mean, wrapping around the end.
 */
public final class RealityCheck {
    private RealityCheck() {
    }

    /**
     * @param statistic    White's {@code V = max_k sqrt(n) mean(d_k)} or Hansen's studentised, floored {@code T_SPA}
     * @param pValue       share of bootstrap statistics strictly above {@code statistic}
     * @param best         the column with the highest mean
     */
    public record Result(double statistic, double pValue, int best) {
    }

    /** Bootstrap row indices: {@code replications} resamples of {@code n} rows, mean block length {@code meanBlock}. */
    public static int[][] stationaryBootstrap(int n, int replications, double meanBlock, long seed) {
        if (n < 1 || replications < 1 || !(meanBlock >= 1)) {
            throw new IllegalArgumentException("need n >= 1, replications >= 1 and mean block >= 1, got " + n + ", "
                    + replications + ", " + meanBlock);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double q = 1 / meanBlock;
        int[][] idx = new int[replications][n];
        for (int b = 0; b < replications; b++) {
            idx[b][0] = rnd.nextInt(n);
            for (int t = 1; t < n; t++) {
                idx[b][t] = rnd.nextDouble() < q ? rnd.nextInt(n) : (idx[b][t - 1] + 1) % n;
            }
        }
        return idx;
    }

    /** White's Reality Check p-value with the given bootstrap indices. */
    public static Result white(double[][] d, int[][] bootstrap) {
        int n = d.length;
        int l = check(d, bootstrap);
        double[] mean = means(d, l);
        int best = argmax(mean);
        double v = Math.sqrt(n) * mean[best];
        int above = 0;
        for (int[] idx : bootstrap) {
            double[] m = resampledMeans(d, idx, l);
            double vb = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < l; k++) {
                vb = Math.max(vb, Math.sqrt(n) * (m[k] - mean[k]));
            }
            above += vb > v ? 1 : 0;
        }
        return new Result(v, (double) above / bootstrap.length, best);
    }

    /**
     * Hansen's consistent SPA p-value ({@code SPA_c}): models far below the benchmark
     * ({@code sqrt(n) mean_k / w_k < -sqrt(2 ln ln n)}) are not recentred, so poor models cannot hide a good one;
     * {@code w_k} is the bootstrap standard deviation of {@code sqrt(n) mean_k}. The statistic is floored at 0 (no
     * model beating the benchmark is no evidence against it), and so is every bootstrap statistic; when the observed
     * statistic is 0 the p-value is 1, since "a bootstrap statistic strictly above 0" would otherwise count none of
     * the resamples and report 0, the strongest evidence, for models that all lose.
     */
    public static Result hansen(double[][] d, int[][] bootstrap) {
        int n = d.length;
        int l = check(d, bootstrap);
        double[] mean = means(d, l);
        double[][] boot = new double[bootstrap.length][];
        double[] var = new double[l];
        for (int b = 0; b < bootstrap.length; b++) {
            boot[b] = resampledMeans(d, bootstrap[b], l);
            for (int k = 0; k < l; k++) {
                double z = Math.sqrt(n) * (boot[b][k] - mean[k]);
                var[k] += z * z / bootstrap.length;
            }
        }
        double threshold = -Math.sqrt(2 * Math.log(Math.log(Math.max(n, 3))));
        double t = 0;
        double[] centre = new double[l];
        for (int k = 0; k < l; k++) {
            double w = Math.sqrt(var[k]);
            double tk = w == 0 ? 0 : Math.sqrt(n) * mean[k] / w;
            t = Math.max(t, tk);
            centre[k] = tk >= threshold ? mean[k] : 0;
        }
        int above = 0;
        for (double[] m : boot) {
            double tb = 0;
            for (int k = 0; k < l; k++) {
                double w = Math.sqrt(var[k]);
                if (w > 0) {
                    tb = Math.max(tb, Math.sqrt(n) * (m[k] - centre[k]) / w);
                }
            }
            above += tb > t ? 1 : 0;
        }
        return new Result(t, t <= 0 ? 1.0 : (double) above / bootstrap.length, argmax(mean));
    }

    /** White's and Hansen's tests on the same resamples. */
    public record Both(Result white, Result hansen) {
    }

    /**
     * {@link #white} and {@link #hansen} on {@code columns} (one array of {@code n} rows per model, the transpose of
     * their {@code d}) with the resamples of {@link #stationaryBootstrap}{@code (n, replications, meanBlock, seed)},
     * computed for thousands of models: a resample is a run of blocks of consecutive rows, so each model's resampled
     * mean is a sum of block sums read from its prefix sums, about {@code n / meanBlock} additions instead of
     * {@code n}, and the resampled means are made once for both tests, models in parallel. Same figures as the two
     * methods up to the order of additions (the tests check they agree).
     */
    public static Both both(double[][] columns, int replications, double meanBlock, long seed) {
        int l = columns.length;
        if (l < 1 || columns[0].length < 2) {
            throw new IllegalArgumentException("need at least 1 model and 2 rows");
        }
        int n = columns[0].length;
        for (double[] c : columns) {
            if (c.length != n) {
                throw new IllegalArgumentException("models have " + n + " and " + c.length + " rows");
            }
        }
        if (replications < 1 || !(meanBlock >= 1)) {
            throw new IllegalArgumentException("need replications >= 1 and mean block >= 1, got " + replications + ", "
                    + meanBlock);
        }
        // the same draws as stationaryBootstrap, kept as blocks: start row and length (a block may wrap past the end)
        SplittableRandom rnd = new SplittableRandom(seed);
        double q = 1 / meanBlock;
        int[][] starts = new int[replications][];
        int[][] lengths = new int[replications][];
        int[] s = new int[n];
        int[] len = new int[n];
        for (int b = 0; b < replications; b++) {
            int blocks = 0;
            s[0] = rnd.nextInt(n);
            len[0] = 1;
            for (int t = 1; t < n; t++) {
                if (rnd.nextDouble() < q) {
                    blocks++;
                    s[blocks] = rnd.nextInt(n);
                    len[blocks] = 1;
                } else {
                    len[blocks]++;
                }
            }
            starts[b] = java.util.Arrays.copyOf(s, blocks + 1);
            lengths[b] = java.util.Arrays.copyOf(len, blocks + 1);
        }
        // per model, its resampled means side by side (one model's row is written and read in order)
        double[][] boot = new double[l][replications];
        double[] mean = new double[l];
        java.util.stream.IntStream.range(0, l).parallel().forEach(k -> {
            double[] x = columns[k];
            double[] prefix = new double[n + 1];
            for (int t = 0; t < n; t++) {
                prefix[t + 1] = prefix[t] + x[t];
            }
            mean[k] = prefix[n] / n;
            boolean constant = true;
            for (int t = 1; t < n && constant; t++) {
                constant = x[t] == x[0];
            }
            if (constant) {
                // every resample of a constant is that constant: exactly, not up to the rounding of prefix sums, so
                // its bootstrap deviation is 0 (and SPA leaves it out) as in the definition
                java.util.Arrays.fill(boot[k], x[0]);
                mean[k] = x[0];
                return;
            }
            for (int b = 0; b < replications; b++) {
                double sum = 0;
                int[] st = starts[b];
                int[] ln = lengths[b];
                for (int j = 0; j < st.length; j++) {
                    int end = st[j] + ln[j];
                    sum += end <= n ? prefix[end] - prefix[st[j]] : prefix[n] - prefix[st[j]] + prefix[end - n];
                }
                boot[k][b] = sum / n;
            }
        });
        double root = Math.sqrt(n);
        int best = argmax(mean);
        double v = root * mean[best];
        double[] vb = new double[replications];
        java.util.Arrays.fill(vb, Double.NEGATIVE_INFINITY);
        double[] w = new double[l];
        for (int k = 0; k < l; k++) {
            double[] m = boot[k];
            double var = 0;
            for (int b = 0; b < replications; b++) {
                double z = root * (m[b] - mean[k]);
                vb[b] = Math.max(vb[b], z);
                var += z * z / replications;
            }
            w[k] = Math.sqrt(var);
        }
        int above = 0;
        for (double x : vb) {
            above += x > v ? 1 : 0;
        }
        Result white = new Result(v, (double) above / replications, best);
        double threshold = -Math.sqrt(2 * Math.log(Math.log(Math.max(n, 3))));
        double t = 0;
        double[] centre = new double[l];
        for (int k = 0; k < l; k++) {
            double tk = w[k] == 0 ? 0 : root * mean[k] / w[k];
            t = Math.max(t, tk);
            centre[k] = tk >= threshold ? mean[k] : 0;
        }
        double[] tb = new double[replications];
        for (int k = 0; k < l; k++) {
            if (w[k] > 0) {
                double[] m = boot[k];
                for (int b = 0; b < replications; b++) {
                    tb[b] = Math.max(tb[b], root * (m[b] - centre[k]) / w[k]);
                }
            }
        }
        int aboveSpa = 0;
        for (double x : tb) {
            aboveSpa += x > t ? 1 : 0;
        }
        return new Both(white, new Result(t, t <= 0 ? 1.0 : (double) aboveSpa / replications, best));
    }

    private static int check(double[][] d, int[][] bootstrap) {
        if (d.length < 2 || d[0].length < 1) {
            throw new IllegalArgumentException("need at least 2 rows and 1 model, got " + d.length + " rows");
        }
        for (int[] idx : bootstrap) {
            if (idx.length != d.length) {
                throw new IllegalArgumentException("bootstrap resample has " + idx.length + " rows, data " + d.length);
            }
        }
        return d[0].length;
    }

    private static double[] means(double[][] d, int l) {
        double[] m = new double[l];
        for (double[] row : d) {
            for (int k = 0; k < l; k++) {
                m[k] += row[k] / d.length;
            }
        }
        return m;
    }

    private static double[] resampledMeans(double[][] d, int[] idx, int l) {
        double[] m = new double[l];
        for (int i : idx) {
            for (int k = 0; k < l; k++) {
                m[k] += d[i][k] / idx.length;
            }
        }
        return m;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}
