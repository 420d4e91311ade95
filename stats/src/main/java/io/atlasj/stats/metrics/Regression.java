package io.atlasj.stats.metrics;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/** Regression metrics over actual and predicted values in label units. */
public final class Regression {
    private Regression() {
    }

    /** Root mean squared error; NaN for no rows. */
    public static double rmse(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            s += d * d;
        }
        return actual.length == 0 ? Double.NaN : Math.sqrt(s / actual.length);
    }

    /** Mean absolute error; NaN for no rows. */
    public static double mae(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            s += Math.abs(predicted[i] - actual[i]);
        }
        return actual.length == 0 ? Double.NaN : s / actual.length;
    }

    /**
     * Coefficient of determination {@code 1 - SS_res / SS_tot}, {@code SS_tot} around the mean of the actual values
     * of these rows; negative when the predictions are worse than that mean. NaN when the actual values are constant.
     */
    public static double r2(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        double mean = 0;
        for (double a : actual) {
            mean += a;
        }
        mean /= actual.length;
        double res = 0;
        double tot = 0;
        for (int i = 0; i < actual.length; i++) {
            res += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            tot += (actual[i] - mean) * (actual[i] - mean);
        }
        return tot == 0 ? Double.NaN : 1 - res / tot;
    }

    /**
     * Share of rows where the prediction has the sign of the actual value, over the rows whose actual value is not
     * zero (a zero return has no direction to get right); a zero prediction counts as a miss. NaN when no row counts.
     */
    public static double directionalAccuracy(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        int n = 0;
        int hits = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != 0) {
                n++;
                hits += Math.signum(actual[i]) == Math.signum(predicted[i]) ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hits / n;
    }

    /**
     * Information coefficient: Spearman's rank correlation of predicted and actual, ties ranked by their average
     * (Commons Math), -0.0 and 0.0 being one tie as in {@code scipy.stats.spearmanr}. NaN for fewer than 3 rows or a
     * constant side.
     */
    public static double informationCoefficient(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        if (actual.length < 3 || constant(actual) || constant(predicted)) {
            return Double.NaN;
        }
        return new SpearmansCorrelation().correlation(positiveZeros(predicted), positiveZeros(actual));
    }

    /**
     * A copy with every -0.0 replaced by 0.0: Commons Math ranks by {@link Double#compare}, which orders -0.0 below
     * 0.0, so a zero return written with a sign bit (0.0 * -1, a rounded tiny negative) would not tie with 0.0.
     */
    private static double[] positiveZeros(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] == 0 ? 0.0 : v[i];
        }
        return out;
    }

    /**
     * Information coefficient over the last {@code window} rows at each row from the {@code window}-th on; element
     * {@code i} belongs to row {@code i + window - 1}.
     */
    public static double[] rollingInformationCoefficient(double[] actual, double[] predicted, int window) {
        Classification.check(actual, predicted);
        if (window < 3) {
            throw new IllegalArgumentException("window must be at least 3, got " + window);
        }
        int n = Math.max(0, actual.length - window + 1);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = informationCoefficient(java.util.Arrays.copyOfRange(actual, i, i + window),
                    java.util.Arrays.copyOfRange(predicted, i, i + window));
        }
        return out;
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }
}
