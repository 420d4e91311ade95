package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import java.util.Random;

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
        double base = loss(p.predict(d, v), v.y(), classify);
        int cols = d.features();
        double[] out = new double[cols];
        for (int j = 0; j < cols; j++) {
            int[] perm = Dl4jTrainer.shuffled(n, new Random(seed + j));
            double[][] x = v.x().clone();
            for (int i = 0; i < n; i++) {
                x[i] = x[i].clone();
                x[i][j] = v.x()[perm[i]][j];
            }
            PreparedData.Part shuffled = new PreparedData.Part(v.time(), x, v.y(), v.index());
            PreparedData.Context ctx = d.context();
            if (ctx != null) {
                double[][] cx = ctx.x().clone();
                for (int i = 0; i < n; i++) {
                    cx[v.index()[i]] = x[i];
                }
                ctx = new PreparedData.Context(ctx.time(), cx, ctx.barMillis());
            }
            PreparedData d2 = new PreparedData(d.fold(), d.task(), d.classes(), d.train(), shuffled, d.test(), d.scaler(),
                    d.boundaries(), d.targetCenter(), d.targetScale(), ctx, d.extraTargets());
            out[j] = loss(p.predict(d2, shuffled), v.y(), classify) - base;
        }
        return out;
    }

    private static PreparedData.Part latest(PreparedData.Part p, int max) {
        int n = p.rows();
        if (n <= max) {
            return p;
        }
        return new PreparedData.Part(java.util.Arrays.copyOfRange(p.time(), n - max, n),
                java.util.Arrays.copyOfRange(p.x(), n - max, n), java.util.Arrays.copyOfRange(p.y(), n - max, n),
                java.util.Arrays.copyOfRange(p.index(), n - max, n));
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
