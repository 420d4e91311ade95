package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;

/**
 * Permutation importance (Breiman; scikit-learn's {@code permutation_importance}): how much a trained model's loss on
 * the validation part rises when one input column is shuffled among the validation rows, breaking its link with the
 * target while keeping its distribution. The loss is the mean log loss of the true class (classification) or the mean
 * squared error in the scaled target's units (regression). A sequence model's windows read the shuffled column at
 * every validation row of its context, so its past steps are shuffled too. Near zero or negative: the model does not
 * use the input (or overfits it). At most the last {@link #MAX_ROWS} validation rows are used, which bounds the cost
 * (one prediction pass per input) on long validation parts.
 */
public final class Importance {
    /** The most validation rows shuffled and predicted: the latest ones. */
    public static final int MAX_ROWS = 4096;

    private Importance() {
    }

    /**
     * The rise in validation loss for each input column, in column order; null when the validation part has fewer than
     * two rows.
     *
     * @param seed the shuffles' seed (column {@code j} uses {@code seed + j})
     */
    public static double[] permutation(Predictor p, PreparedData d, long seed) {
        PreparedData.Part v = latest(d.validation(), MAX_ROWS);
        int n = v.rows();
        if (n < 2) {
            return null;
        }
        boolean classify = d.task() == DatasetOptions.Task.CLASSIFICATION;
        int cols = d.features();
        if (p.readsRows()) {
            return stacked(p, v, cols, classify, seed);
        }
        double base = loss(p.predict(d, v), v.y(), classify);
        double[] out = new double[cols];
        // one copy of the rows, shuffled one column at a time in place and put back; a sequence model's context
        // holds the same row objects at the validation rows, so its windows see the shuffle too
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = v.x()[i].clone();
        }
        PreparedData.Part shuffled = new PreparedData.Part(v.time(), x, v.y(), v.index());
        PreparedData.Context ctx = d.context() == null ? null : d.context().withRows(v.index(), x);
        PreparedData d2 = new PreparedData(d.fold(), d.task(), d.classes(), d.train(), shuffled, d.test(), d.scaler(),
                d.boundaries(), d.targetCenter(), d.targetScale(), ctx, d.extraTargets());
        for (int j = 0; j < cols; j++) {
            int[] perm = shuffle(n, seed, j);
            for (int i = 0; i < n; i++) {
                x[i][j] = v.x()[perm[i]][j];
            }
            out[j] = loss(p.predict(d2, shuffled), v.y(), classify) - base;
            for (int i = 0; i < n; i++) {
                x[i][j] = v.x()[i][j];
            }
        }
        return out;
    }

    /**
     * A model that reads one row at a time: the validation rows and their copy with each column shuffled in turn, as
     * one float32 matrix of {@code (cols + 1) x n} rows and one prediction pass (a small network's cost is mostly per
     * pass and per copy). The same shuffles and losses as one pass per column.
     */
    private static double[] stacked(Predictor p, PreparedData.Part v, int cols, boolean classify, long seed) {
        int n = v.rows();
        float[] x = new float[(cols + 1) * n * cols];
        for (int b = 0; b <= cols; b++) {
            for (int i = 0; i < n; i++) {
                double[] row = v.x()[i];
                int at = (b * n + i) * cols;
                for (int c = 0; c < cols; c++) {
                    x[at + c] = (float) row[c];
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            int[] perm = shuffle(n, seed, j);
            for (int i = 0; i < n; i++) {
                x[((j + 1) * n + i) * cols + j] = (float) v.x()[perm[i]][j];
            }
        }
        double[][] outs = p.predictRows(x, (cols + 1) * n);
        double base = loss(java.util.Arrays.copyOfRange(outs, 0, n), v.y(), classify);
        double[] out = new double[cols];
        for (int j = 0; j < cols; j++) {
            out[j] = loss(java.util.Arrays.copyOfRange(outs, (j + 1) * n, (j + 2) * n), v.y(), classify) - base;
        }
        return out;
    }

    static PreparedData.Part latest(PreparedData.Part p, int max) {
        int n = p.rows();
        if (n <= max) {
            return p;
        }
        return new PreparedData.Part(java.util.Arrays.copyOfRange(p.time(), n - max, n),
                java.util.Arrays.copyOfRange(p.x(), n - max, n), java.util.Arrays.copyOfRange(p.y(), n - max, n),
                java.util.Arrays.copyOfRange(p.index(), n - max, n));
    }

    /**
     * The validation rows the importance is measured on and, per input column {@code j}, its shuffle for a model of
     * seed {@code seed}: row {@code i} takes column {@code j} of row {@code perm[i]}.
     */
    static int[] shuffle(int n, long seed, int j) {
        return Dl4jTrainer.shuffled(n, seed + j);
    }

    /** Mean log loss of the true class (probabilities clipped at 1e-7), or mean squared error. */
    static double loss(double[][] out, double[] y, boolean classify) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            if (classify) {
                sum -= Math.log(Math.max(1e-7, out[i][(int) y[i]]));
            } else {
                double e = out[i][0] - y[i];
                sum += e * e;
            }
        }
        return sum / y.length;
    }
}
