package io.atlasj.stats.model;

import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;

/**
 * Two models side by side on the out-of-sample rows both have (normally the same test period when they share a
 * unit): how often they take the same naive-trading position, how often they predict the same value, and how
 * their signals ({@link ModelEvaluation#signal()}) correlate.
 *
 * @param time        the common out-of-sample rows (UTC ms), ascending
 * @param signalA     a's signal on those rows; {@code signalB} likewise
 * @param agreement   share of common rows where both take the same position (long, short or flat)
 * @param samePrediction share of common rows where both predict the same class; NaN unless both classify into the
 *                    same number of classes
 * @param correlation Pearson correlation of the two signals; NaN with fewer than 3 rows or a constant signal
 */
public record Comparison(ModelEvaluation a, ModelEvaluation b, long[] time, double[] signalA, double[] signalB,
                         double agreement, double samePrediction, double correlation) {
    public Comparison {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
    }

    public int rows() {
        return time.length;
    }

    public static Comparison of(ModelEvaluation a, ModelEvaluation b) {
        long[] ta = a.oos().time();
        long[] tb = b.oos().time();
        int[] ia = new int[Math.min(ta.length, tb.length)];
        int[] ib = new int[ia.length];
        int n = 0;
        for (int i = 0, j = 0; i < ta.length && j < tb.length; ) {
            if (ta[i] == tb[j]) {
                ia[n] = i++;
                ib[n++] = j++;
            } else if (ta[i] < tb[j]) {
                i++;
            } else {
                j++;
            }
        }
        double[] pa = a.positions();
        double[] pb = b.positions();
        double[] sa = a.signal();
        double[] sb = b.signal();
        long[] time = new long[n];
        double[] xa = new double[n];
        double[] xb = new double[n];
        int same = 0;
        int samePred = 0;
        boolean classes = a.classification() && a.classes() == b.classes();
        for (int k = 0; k < n; k++) {
            time[k] = ta[ia[k]];
            xa[k] = sa[ia[k]];
            xb[k] = sb[ib[k]];
            if (pa[ia[k]] == pb[ib[k]]) {
                same++;
            }
            if (classes && a.oos().predicted()[ia[k]] == b.oos().predicted()[ib[k]]) {
                samePred++;
            }
        }
        double corr = n < 3 || constant(xa) || constant(xb) ? Double.NaN : new PearsonsCorrelation().correlation(xa, xb);
        return new Comparison(a, b, time, xa, xb, n == 0 ? Double.NaN : (double) same / n,
                !classes || n == 0 ? Double.NaN : (double) samePred / n, corr);
    }

    private static boolean constant(double[] v) {
        return Arrays.stream(v).allMatch(x -> x == v[0]);
    }
}
