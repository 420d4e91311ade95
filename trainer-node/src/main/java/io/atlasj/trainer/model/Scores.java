package io.atlasj.trainer.model;

/**
 * Validation scores of the primary label shared by both trainers: loss, accuracy or RMSE, and the composite score
 * that {@code monitor: val_composite} maximises.
 *
 * <p>Composite, classification: {@code 0.4 accuracy + 0.4 macro-F1 + 0.2 (1 - min(1, crossEntropy / ln K))}, each
 * part in [0, 1] (the loss term is 0 for a model no better than guessing uniformly among K classes). Macro-F1 keeps a
 * model that always predicts the majority class from scoring well on accuracy alone; the loss term rewards calibrated
 * probabilities. Regression: {@code 1 - RMSE / std(actual)}, a skill score against predicting the mean (1 is
 * perfect, 0 is the mean, negative is worse).
 */
public final class Scores {
    private Scores() {
    }

    public static double loss(TrainingResult.Predictions p, double[] y, boolean classify) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            if (classify) {
                s -= Math.log(Math.max(1e-12, p.probabilities().get(i, (int) y[i])));
            } else {
                double d = p.values()[i] - y[i];
                s += d * d;
            }
        }
        return y.length == 0 ? Double.NaN : s / y.length;
    }

    public static double metric(TrainingResult.Predictions p, double[] y, boolean classify) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            if (classify) {
                s += p.values()[i] == y[i] ? 1 : 0;
            } else {
                double d = p.values()[i] - y[i];
                s += d * d;
            }
        }
        return classify ? s / y.length : Math.sqrt(s / y.length);
    }

    /** Macro-averaged F1 over the K classes (a class never predicted nor present counts as F1 0 only if present). */
    public static double macroF1(double[] predicted, double[] y, int classes) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < y.length; i++) {
                boolean pc = predicted[i] == c;
                boolean yc = y[i] == c;
                tp += pc && yc ? 1 : 0;
                fp += pc && !yc ? 1 : 0;
                fn += !pc && yc ? 1 : 0;
            }
            if (tp + fp + fn == 0) {
                continue;
            }
            sum += 2.0 * tp / (2.0 * tp + fp + fn);
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }

    public static double composite(TrainingResult.Predictions p, double[] y, boolean classify, int classes) {
        if (y.length == 0) {
            return Double.NaN;
        }
        if (classify) {
            double lossTerm = 1 - Math.min(1, loss(p, y, true) / Math.log(Math.max(2, classes)));
            return 0.4 * metric(p, y, true) + 0.4 * macroF1(p.values(), y, classes) + 0.2 * lossTerm;
        }
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / y.length);
        return std == 0 ? Double.NaN : 1 - metric(p, y, false) / std;
    }
}
