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
     * (Commons Math), -0.0 and 0.0 being one tie as in {@code scipy.stats.spearmanr}. NaN for fewer than 3 rows, a
     * constant side or a NaN on either side (as {@code spearmanr}'s default; Commons Math would throw).
     */
    public static double informationCoefficient(double[] actual, double[] predicted) {
        Classification.check(actual, predicted);
        if (actual.length < 3 || constant(actual) || constant(predicted) || anyNaN(actual) || anyNaN(predicted)) {
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
     * {@code i} belongs to row {@code i + window - 1}. The same figure as {@link #informationCoefficient} of each
     * window (within rounding), computed from each side's window kept sorted as it slides: a value leaves and one
     * enters per row, and one pass over the sorted window gives every row its average rank. Ranking every window anew
     * (Commons Math sorting boxed pairs) took half of a report's time over 100 regressors' cards.
     */
    public static double[] rollingInformationCoefficient(double[] actual, double[] predicted, int window) {
        Classification.check(actual, predicted);
        if (window < 3) {
            throw new IllegalArgumentException("window must be at least 3, got " + window);
        }
        int n = Math.max(0, actual.length - window + 1);
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        SortedWindow a = new SortedWindow(actual, window);
        SortedWindow p = new SortedWindow(predicted, window);
        double mid = (window + 1) / 2.0; // the mean of a window's average ranks, ties or not
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                a.slide(i);
                p.slide(i);
            }
            if (a.nans > 0 || p.nans > 0 || a.constant() || p.constant()) {
                out[i] = Double.NaN;
            } else {
                double[] ra = a.ranks();
                double[] rp = p.ranks();
                double sxy = 0;
                double sxx = 0;
                double syy = 0;
                for (int j = 0; j < window; j++) {
                    double x = ra[j] - mid;
                    double y = rp[j] - mid;
                    sxy += x * y;
                    sxx += x * x;
                    syy += y * y;
                }
                out[i] = sxy / Math.sqrt(sxx * syy);
            }
        }
        return out;
    }

    /**
     * A sliding window of one series kept sorted ({@code -0.0} as {@code 0.0}, NaNs counted apart), each value with
     * its row's slot ({@code row % width}), so that one pass gives every slot its average rank (the 1-based positions
     * of its value's equals, averaged).
     */
    private static final class SortedWindow {
        private final double[] values;
        private final int width;
        private final double[] sorted;
        private final int[] slots;
        private final double[] ranks;
        private int size;
        private int nans;

        SortedWindow(double[] values, int width) {
            this.values = values;
            this.width = width;
            this.sorted = new double[width];
            this.slots = new int[width];
            this.ranks = new double[width];
            for (int j = 0; j < width; j++) {
                add(j);
            }
        }

        /** Moves the window to start at row {@code i}: row {@code i - 1} leaves, row {@code i + width - 1} enters. */
        void slide(int i) {
            remove(i - 1);
            add(i + width - 1);
        }

        private void add(int row) {
            double v = values[row];
            if (Double.isNaN(v)) {
                nans++;
                return;
            }
            double x = v == 0 ? 0.0 : v;
            int at = first(x, false);
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            System.arraycopy(slots, at, slots, at + 1, size - at);
            sorted[at] = x;
            slots[at] = row % width;
            size++;
        }

        private void remove(int row) {
            double v = values[row];
            if (Double.isNaN(v)) {
                nans--;
                return;
            }
            int slot = row % width;
            int at = first(v == 0 ? 0.0 : v, true);
            while (slots[at] != slot) {
                at++; // among the equals of its value
            }
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            System.arraycopy(slots, at + 1, slots, at, size - at - 1);
            size--;
        }

        boolean constant() {
            return sorted[0] == sorted[size - 1];
        }

        /** Each slot's average rank in the window (a window without NaNs). */
        double[] ranks() {
            int k = 0;
            while (k < size) {
                int e = k + 1;
                while (e < size && sorted[e] == sorted[k]) {
                    e++;
                }
                double r = (k + 1 + e) / 2.0;
                for (int t = k; t < e; t++) {
                    ranks[slots[t]] = r;
                }
                k = e;
            }
            return ranks;
        }

        /** The first position whose value is above {@code x}, or with {@code notBelow} not below it. */
        private int first(double x, boolean notBelow) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int m = (lo + hi) >>> 1;
                if (notBelow ? sorted[m] < x : sorted[m] <= x) {
                    lo = m + 1;
                } else {
                    hi = m;
                }
            }
            return lo;
        }
    }

    private static boolean anyNaN(double[] v) {
        for (double x : v) {
            if (Double.isNaN(x)) {
                return true;
            }
        }
        return false;
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
