package io.atlasj.trainer.model;

import java.util.List;

/**
 * What training one fold produced. A model that cannot be trained (NaN loss, an unsupported type, bad shapes) is a
 * failed result with its reason, not an exception.
 *
 * @param curves     one entry per epoch run
 * @param bestEpoch  the epoch whose weights were kept (best by the monitored validation metric), -1 when failed
 * @param predictions per part (train, validation, test): regression values, or for classification the predicted
 *                    class with {@code probabilities}; the trainers leave {@code train} null (no pass over the
 *                    training rows: a result keeps no predictions of them since result schema 8)
 * @param importance  each input's permutation importance on the validation part ({@link Importance}) when the trainer
 *                    measured it from the weights in memory (packs do), else null: measured on the model file after
 * @param gain        a tree model's own importance: each input's share of the split gain of the trees that predict
 *                    ({@link GbmTrainer#gainShares}); null for other models
 */
public record TrainingResult(boolean ok, String failure, List<Epoch> curves, int bestEpoch, Predictions train,
                             Predictions validation, Predictions test, long millis, List<Head> heads,
                             double[] importance, double[] gain) {
    public TrainingResult {
        curves = List.copyOf(curves);
        heads = heads == null ? List.of() : List.copyOf(heads);
    }

    public TrainingResult(boolean ok, String failure, List<Epoch> curves, int bestEpoch, Predictions train,
                          Predictions validation, Predictions test, long millis, List<Head> heads,
                          double[] importance) {
        this(ok, failure, curves, bestEpoch, train, validation, test, millis, heads, importance, null);
    }

    public TrainingResult(boolean ok, String failure, List<Epoch> curves, int bestEpoch, Predictions train,
                          Predictions validation, Predictions test, long millis, List<Head> heads) {
        this(ok, failure, curves, bestEpoch, train, validation, test, millis, heads, null);
    }

    public TrainingResult(boolean ok, String failure, List<Epoch> curves, int bestEpoch, Predictions train,
                          Predictions validation, Predictions test, long millis) {
        this(ok, failure, curves, bestEpoch, train, validation, test, millis, List.of());
    }

    /**
     * The predictions of a further head (multi-task: another label of the featureset, in the same units as its
     * {@link io.atlasj.trainer.data.PreparedData.Target}: class indices, or z-scored values).
     */
    public record Head(String label, Predictions train, Predictions validation, Predictions test) {
    }

    public static TrainingResult failed(String why, List<Epoch> curves, long millis) {
        return new TrainingResult(false, why, curves, -1, null, null, null, millis, List.of());
    }

    /** Losses, the validation metric and the learning rate of one epoch. */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double validationMetric, double learningRate) {
    }

    /** @param probabilities rows x classes, or null for regression */
    public record Predictions(double[] values, io.atlasj.workspec.results.Probabilities probabilities) {
        /**
         * A model's outputs row by row as predictions: a classifier's first most probable class with its
         * probabilities, or a regressor's value (column 0). Rows of different widths are an error.
         */
        static Predictions of(float[][] o, boolean classify) {
            int n = o.length;
            double[] values = new double[n];
            if (!classify) {
                for (int i = 0; i < n; i++) {
                    values[i] = o[i][0];
                }
                return new Predictions(values, null);
            }
            int k = n == 0 ? 0 : o[0].length;
            double[] prob = new double[n * k];
            for (int i = 0; i < n; i++) {
                if (o[i].length != k) {
                    throw new IllegalStateException("row " + i + " has " + o[i].length + " class outputs, row 0 " + k);
                }
                int arg = 0;
                for (int c = 0; c < k; c++) {
                    prob[i * k + c] = o[i][c];
                    arg = prob[i * k + c] > prob[i * k + arg] ? c : arg;
                }
                values[i] = arg;
            }
            return new Predictions(values, io.atlasj.workspec.results.Probabilities.of(k, prob));
        }
    }
}
