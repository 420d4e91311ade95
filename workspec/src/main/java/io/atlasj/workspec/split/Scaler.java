package io.atlasj.workspec.split;

import io.atlasj.workspec.DatasetOptions;
import java.util.Arrays;

/**
 * Feature scaling fitted on the training rows of a fold only; the parameters are stored with the result so that
 * inference applies exactly the same transformation. z-score: mean and sample standard deviation; robust: median
 * and inter-quartile range. A constant column scales by 1.
 */
public record Scaler(DatasetOptions.Scaling kind, double[] center, double[] scale) {

    public static Scaler fit(double[][] columns, int[] trainRows, DatasetOptions.Scaling kind) {
        int m = columns.length;
        double[] center = new double[m];
        double[] scale = new double[m];
        for (int c = 0; c < m; c++) {
            double[] x = new double[trainRows.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = columns[c][trainRows[i]];
            }
            switch (kind) {
                case NONE -> {
                    center[c] = 0;
                    scale[c] = 1;
                }
                case ZSCORE -> {
                    double mean = Arrays.stream(x).average().orElse(0);
                    double ss = 0;
                    for (double v : x) {
                        ss += (v - mean) * (v - mean);
                    }
                    double sd = x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0;
                    center[c] = mean;
                    scale[c] = sd > 0 ? sd : 1;
                }
                case ROBUST -> {
                    double[] s = x.clone();
                    Arrays.sort(s);
                    center[c] = percentile(s, 50);
                    double iqr = percentile(s, 75) - percentile(s, 25);
                    scale[c] = iqr > 0 ? iqr : 1;
                }
            }
        }
        return new Scaler(kind, center, scale);
    }

    /** The scaled copy of every row of every column. */
    public double[][] apply(double[][] columns) {
        double[][] out = new double[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            out[c] = new double[columns[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = (columns[c][i] - center[c]) / scale[c];
            }
        }
        return out;
    }

    /** Linear-interpolation percentile of sorted values (the "R-7" definition, as numpy's default). */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Class boundaries at the given percentiles of a real-valued label over the training rows only: values below
     * the first are class 0, above the second class 2, between class 1.
     */
    public static double[] fitBoundaries(double[] label, int[] trainRows, double lower, double upper) {
        double[] x = new double[trainRows.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = label[trainRows[i]];
        }
        Arrays.sort(x);
        return new double[] {percentile(x, lower), percentile(x, upper)};
    }

    public static int classify(double v, double[] boundaries) {
        return v < boundaries[0] ? 0 : v > boundaries[1] ? 2 : 1;
    }
}
