package io.atlasj.stats.metrics;

import io.atlasj.workspec.results.Probabilities;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classification metrics. Classes are the integers {@code 0..k-1}; {@code actual} and {@code predicted} hold them as
 * doubles, as a {@code ResultsObject.Split} does.
 *
 * <p>Precision, recall and F1 follow scikit-learn 1.2 with its default {@code zero_division}: a ratio with a zero
 * denominator is 0 (precision of a class never predicted, recall of a class that never occurs), and F1 is 0 when
 * precision + recall is 0. Their {@link #macroAverage macro average} runs over the classes that occur in actual or
 * predicted, as scikit-learn's default labels do, not over all {@code k}. Other undefined values are NaN, never a
 * silent zero: accuracy of no rows, AUC of a class absent from the rows (scikit-learn raises), a likelihood ratio 0/0.
 */
public final class Classification {
    private Classification() {
    }

    /** Fraction of rows where the prediction equals the actual class; NaN for no rows. */
    public static double accuracy(double[] actual, double[] predicted) {
        check(actual, predicted);
        if (actual.length == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int i = 0; i < actual.length; i++) {
            hits += actual[i] == predicted[i] ? 1 : 0;
        }
        return (double) hits / actual.length;
    }

    /** Confusion matrix: {@code m[actual][predicted]} counts. */
    public static long[][] confusion(double[] actual, double[] predicted, int classes) {
        check(actual, predicted);
        long[][] m = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            m[cls(actual[i], classes, "actual", i)][cls(predicted[i], classes, "predicted", i)]++;
        }
        return m;
    }

    /**
     * Per class {@code c} of {@code 0..k-1}: TP / (TP + FP); 0 when the class is never predicted (scikit-learn's
     * {@code precision_score(labels=range(k), average=None)}, whose default {@code zero_division} gives 0).
     */
    public static double[] precision(long[][] confusion) {
        int k = confusion.length;
        double[] p = new double[k];
        for (int c = 0; c < k; c++) {
            long col = 0;
            for (long[] row : confusion) {
                col += row[c];
            }
            p[c] = col == 0 ? 0 : (double) confusion[c][c] / col;
        }
        return p;
    }

    /** Per class: TP / (TP + FN); 0 when the class never occurs (scikit-learn's default {@code zero_division}). */
    public static double[] recall(long[][] confusion) {
        int k = confusion.length;
        double[] r = new double[k];
        for (int c = 0; c < k; c++) {
            long row = Arrays.stream(confusion[c]).sum();
            r[c] = row == 0 ? 0 : (double) confusion[c][c] / row;
        }
        return r;
    }

    /**
     * Per class: {@code 2 P R / (P + R)} of the {@link #precision} and {@link #recall} above, 0 when {@code P + R = 0};
     * so a class without a true positive (in particular one never predicted or never occurring) has F1 0. This is
     * scikit-learn 1.2's formula and value.
     */
    public static double[] f1(long[][] confusion) {
        double[] p = precision(confusion);
        double[] r = recall(confusion);
        double[] f = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            f[c] = p[c] + r[c] == 0 ? 0 : 2 * p[c] * r[c] / (p[c] + r[c]);
        }
        return f;
    }

    /**
     * Mean of the values that are not NaN (NaN when all are): the macro AUC, where a class absent from the rows has no
     * AUC and is skipped. Not for precision, recall or F1, which are never NaN: use {@link #macroAverage}.
     */
    public static double mean(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    /**
     * Macro average of a per-class {@link #precision}, {@link #recall} or {@link #f1} made from {@code confusion}: the
     * plain mean over the classes that occur in actual or predicted (a non-zero row or column), as scikit-learn's
     * {@code average='macro'} with its default labels (the union of the labels in {@code y_true} and {@code y_pred}).
     * A class of {@code 0..k-1} absent from both is left out; a class predicted but never occurring, or occurring but
     * never predicted, counts with its 0. NaN when no class occurs (no rows).
     */
    public static double macroAverage(double[] perClass, long[][] confusion) {
        if (perClass.length != confusion.length) {
            throw new IllegalArgumentException(
                    perClass.length + " per-class values for a confusion matrix of " + confusion.length + " classes");
        }
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < confusion.length; c++) {
            long actualOrPredicted = Arrays.stream(confusion[c]).sum();
            for (long[] row : confusion) {
                actualOrPredicted += row[c];
            }
            if (actualOrPredicted > 0) {
                sum += perClass[c];
                classes++;
            }
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    /**
     * One-vs-rest ROC curve of class {@code positive} scored by its probability. Points are ordered by falling
     * threshold, start at (0,0) and end at (1,1); tied scores form one point (no optimistic ordering of ties).
     *
     * @param fpr        false-positive rates
     * @param tpr        true-positive rates
     * @param thresholds the score at and above which a row is called positive for each point (+inf for the first)
     * @param auc        area under the curve by the trapezoid rule; equals the Mann–Whitney probability that a positive
     *                   scores above a negative, ties counting one half. NaN if either class is absent.
     */
    public record Roc(double[] fpr, double[] tpr, double[] thresholds, double auc) {
    }

    /**
     * The area under {@link #roc}'s curve, without making the curve: what a leaderboard needs of 10,000 models x their
     * classes. Equal to {@code roc(actual, probabilities, positive).auc()} (the tests check).
     */
    public static double auc(double[] actual, Probabilities probabilities, int positive) {
        checkProbabilities(actual, probabilities);
        Counts c = counts(actual, probabilities, positive);
        if (c.pos == 0 || c.neg == 0) {
            return Double.NaN;
        }
        double auc = 0;
        for (int j = 1; j < c.points; j++) {
            // the terms of roc(...).auc(), in its order
            double fpr0 = (double) c.fp[j - 1] / c.neg;
            double tpr0 = (double) c.tp[j - 1] / c.pos;
            auc += ((double) c.fp[j] / c.neg - fpr0) * ((double) c.tp[j] / c.pos + tpr0) / 2;
        }
        return auc;
    }

    /**
     * The ROC sweep: true and false positives at and above each distinct score of the class, from the highest down
     * (point 0 is above every score: none called).
     */
    private record Counts(long[] tp, long[] fp, double[] score, int points, long pos, long neg) {
    }

    private static Counts counts(double[] actual, Probabilities probabilities, int positive) {
        int n = actual.length;
        long pos = Arrays.stream(actual).filter(y -> y == positive).count();
        long neg = n - pos;
        double[][] scores = sortedScores(actual, probabilities, positive, (int) pos);
        double[] onPos = scores[0];
        double[] onNeg = scores[1];
        long[] tps = new long[n + 1];
        long[] fps = new long[n + 1];
        double[] th = new double[n + 1];
        th[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int a = onPos.length;
        int b = onNeg.length;
        while (a > 0 || b > 0) {
            double sc = a == 0 ? onNeg[b - 1] : b == 0 ? onPos[a - 1] : Math.max(onPos[a - 1], onNeg[b - 1]);
            long tp = tps[points - 1];
            long fp = fps[points - 1];
            while (a > 0 && tied(onPos[a - 1], sc)) {
                a--;
                tp++;
            }
            while (b > 0 && tied(onNeg[b - 1], sc)) {
                b--;
                fp++;
            }
            tps[points] = tp;
            fps[points] = fp;
            th[points] = sc;
            points++;
        }
        return new Counts(tps, fps, th, points, pos, neg);
    }


    private static final int DIGIT = 11;
    private static final int MASK = (1 << DIGIT) - 1;

    /**
     * Sorts scores ascending: probabilities (finite, not negative) by an LSD radix sort of their bits, whose order is
     * their numeric order, skipping the 11-bit digits all scores share (a float32 probability read back from a result
     * leaves four of six; twice as fast as a quicksort here); anything else by {@link Arrays#sort}. Sorting was half of a report's evaluation time.
     */
    static void sortScores(double[] v) {
        int n = v.length;
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            long b = Double.doubleToRawLongBits(v[i]);
            if (b < 0 || !(v[i] < Double.POSITIVE_INFINITY)) {
                Arrays.sort(v); // a negative (or -0.0), NaN or infinite score: not a probability
                return;
            }
            bits[i] = b;
        }
        if (n < 64) {
            Arrays.sort(v);
            return;
        }
        long[] tmp = new long[n];
        int[] count = new int[1 << DIGIT];
        for (int shift = 0; shift < 64; shift += DIGIT) {
            Arrays.fill(count, 0);
            for (long b : bits) {
                count[(int) (b >>> shift) & MASK]++;
            }
            if (count[(int) (bits[0] >>> shift) & MASK] == n) {
                continue; // every score has this digit
            }
            int sum = 0;
            for (int d = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (long b : bits) {
                tmp[count[(int) (b >>> shift) & MASK]++] = b;
            }
            long[] t = bits;
            bits = tmp;
            tmp = t;
        }
        for (int i = 0; i < n; i++) {
            v[i] = Double.longBitsToDouble(bits[i]);
        }
    }

    /** ROC of class {@code positive} against the rest, scored by {@code probabilities[i][positive]}. */
    public static Roc roc(double[] actual, Probabilities probabilities, int positive) {
        checkProbabilities(actual, probabilities);
        Counts c = counts(actual, probabilities, positive);
        double[] fpr = new double[c.points];
        double[] tpr = new double[c.points];
        double auc = 0;
        for (int j = 0; j < c.points; j++) {
            fpr[j] = c.neg == 0 ? Double.NaN : (double) c.fp[j] / c.neg;
            tpr[j] = c.pos == 0 ? Double.NaN : (double) c.tp[j] / c.pos;
            if (j > 0) {
                auc += (fpr[j] - fpr[j - 1]) * (tpr[j] + tpr[j - 1]) / 2;
            }
        }
        return new Roc(fpr, tpr, Arrays.copyOf(c.score, c.points), c.pos == 0 || c.neg == 0 ? Double.NaN : auc);
    }

    /** {@link #logLoss} clips probabilities to {@code [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]}. */
    private static final double LOG_LOSS_EPS = Math.ulp(1.0);

    /**
     * Mean negative log-likelihood of the actual class, natural log, as scikit-learn 1.2's {@code log_loss} with its
     * default {@code eps="auto"}: every probability is clipped to {@code [eps, 1 - eps]}, {@code eps} = 2^-52 (about
     * 2.22e-16, the spacing of doubles at 1, numpy's {@code finfo(float64).eps}), and each row is then divided by its
     * clipped sum, so row {@code i} costs {@code -ln(clip(p_iy) / sum_k clip(p_ik))}. A certain miss costs
     * {@code 52 ln 2} (about 36.04), not infinity; a row that does not sum to 1 is renormalised, not rejected.
     */
    public static double logLoss(double[] actual, Probabilities probabilities) {
        checkProbabilities(actual, probabilities);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            int k = probabilities.classes();
            int y = cls(actual[i], k, "actual", i);
            double rowSum = 0;
            for (int c = 0; c < k; c++) {
                rowSum += clipForLogLoss(probabilities.get(i, c));
            }
            sum -= Math.log(clipForLogLoss(probabilities.get(i, y)) / rowSum);
        }
        return actual.length == 0 ? Double.NaN : sum / actual.length;
    }

    private static double clipForLogLoss(double p) {
        return Math.max(LOG_LOSS_EPS, Math.min(1 - LOG_LOSS_EPS, p));
    }

    /**
     * Brier's (1950) multi-class score: mean over rows of {@code sum_k (p_k - [y = k])^2}; 0 is perfect, 2 the worst.
     * For two classes this is twice the common binary form {@code mean (p_1 - y)^2}.
     */
    public static double brier(double[] actual, Probabilities probabilities) {
        checkProbabilities(actual, probabilities);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            int y = cls(actual[i], probabilities.classes(), "actual", i);
            for (int k = 0; k < probabilities.classes(); k++) {
                double d = probabilities.get(i, k) - (k == y ? 1 : 0);
                sum += d * d;
            }
        }
        return actual.length == 0 ? Double.NaN : sum / actual.length;
    }

    /**
     * Likelihood ratios of class {@code c} (one vs rest) when a row is called {@code c} if its probability of {@code c}
     * is at least the threshold. Standard definitions: {@code LR+ = TPR / FPR = sensitivity / (1 - specificity)} and
     * {@code LR- = FNR / TNR = (1 - sensitivity) / specificity}. (Gryphon Atlas computed a non-standard ratio; these
     * are the textbook ones.) A ratio with a zero denominator is +inf when its numerator is positive, NaN when 0/0.
     *
     * @param thresholds the thresholds, as given
     * @param lrPlus     LR+ at each threshold
     * @param lrMinus    LR- at each threshold
     * @param called     rows called {@code c} at each threshold
     */
    public record LikelihoodRatios(double[] thresholds, double[] lrPlus, double[] lrMinus, int[] called) {
    }

    /** Class {@code positive}'s score on its rows and on the others ({@code pos} of them are its), each ascending. */
    private static double[][] sortedScores(double[] actual, Probabilities probabilities, int positive, int pos) {
        double[] onPos = new double[pos];
        double[] onNeg = new double[actual.length - pos];
        for (int i = 0, a = 0, b = 0; i < actual.length; i++) {
            if (actual[i] == positive) {
                onPos[a++] = probabilities.get(i, positive);
            } else {
                onNeg[b++] = probabilities.get(i, positive);
            }
        }
        sortScores(onPos);
        sortScores(onNeg);
        return new double[][] {onPos, onNeg};
    }

    /** One ROC point's scores: equal, or both NaN (the sorts put NaN highest; it is one group, as it was). */
    private static boolean tied(double x, double score) {
        return x == score || Double.isNaN(x) && Double.isNaN(score);
    }

    /** How many of the ascending {@code sorted} are at least {@code x} (NaN never is). */
    static int atLeast(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int n = sorted.length - lo;
        // Arrays.sort puts NaN last: they are not at least anything
        for (int i = sorted.length - 1; i >= lo && Double.isNaN(sorted[i]); i--) {
            n--;
        }
        return n;
    }

    /** {@link LikelihoodRatios} of class {@code c} at each threshold. */
    public static LikelihoodRatios likelihoodRatios(double[] actual, Probabilities probabilities, int c,
                                                    double[] thresholds) {
        checkProbabilities(actual, probabilities);
        long pos = Arrays.stream(actual).filter(y -> y == c).count();
        long neg = actual.length - pos;
        double[] plus = new double[thresholds.length];
        double[] minus = new double[thresholds.length];
        int[] called = new int[thresholds.length];
        // the class's probability on its rows and on the others, each sorted once: the rows at or above a threshold
        // are a suffix of each, found by binary search
        double[] onPos = new double[(int) pos];
        double[] onNeg = new double[(int) neg];
        for (int i = 0, a = 0, b = 0; i < actual.length; i++) {
            if (actual[i] == c) {
                onPos[a++] = probabilities.get(i, c);
            } else {
                onNeg[b++] = probabilities.get(i, c);
            }
        }
        Arrays.sort(onPos);
        Arrays.sort(onNeg);
        for (int t = 0; t < thresholds.length; t++) {
            long tp = atLeast(onPos, thresholds[t]);
            long fp = atLeast(onNeg, thresholds[t]);
            called[t] = (int) (tp + fp);
            double tpr = pos == 0 ? Double.NaN : (double) tp / pos;
            double fpr = neg == 0 ? Double.NaN : (double) fp / neg;
            plus[t] = ratio(tpr, fpr);
            minus[t] = ratio(1 - tpr, 1 - fpr);
        }
        return new LikelihoodRatios(thresholds.clone(), plus, minus, called);
    }

    private static double ratio(double num, double den) {
        if (Double.isNaN(num) || Double.isNaN(den)) {
            return Double.NaN;
        }
        if (den == 0) {
            return num == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return num / den;
    }

    /**
     * Coverage and accuracy against the confidence threshold: at each threshold, the share of rows whose highest
     * class probability is at least the threshold, and the accuracy of the predictions on those rows (NaN when none).
     */
    public record Coverage(double[] thresholds, double[] coverage, double[] accuracy) {
    }

    /** {@link Coverage} at each threshold, the prediction being {@code predicted[i]}, confidence its max probability. */
    public static Coverage coverage(double[] actual, double[] predicted, Probabilities probabilities,
                                    double[] thresholds) {
        check(actual, predicted);
        checkProbabilities(actual, probabilities);
        double[] cov = new double[thresholds.length];
        double[] acc = new double[thresholds.length];
        double[] confidence = new double[actual.length];
        for (int i = 0; i < actual.length; i++) {
            double c = 0;
            for (int k = 0; k < probabilities.classes(); k++) {
                c = Math.max(c, probabilities.get(i, k));
            }
            confidence[i] = c;
        }
        int nHits = 0;
        for (int i = 0; i < actual.length; i++) {
            nHits += actual[i] == predicted[i] ? 1 : 0;
        }
        double[] onHits = new double[nHits];
        double[] onMisses = new double[actual.length - nHits];
        for (int i = 0, a = 0, b = 0; i < actual.length; i++) {
            if (actual[i] == predicted[i]) {
                onHits[a++] = confidence[i];
            } else {
                onMisses[b++] = confidence[i];
            }
        }
        Arrays.sort(onHits);
        Arrays.sort(onMisses);
        for (int t = 0; t < thresholds.length; t++) {
            int hits = atLeast(onHits, thresholds[t]);
            int kept = hits + atLeast(onMisses, thresholds[t]);
            cov[t] = actual.length == 0 ? Double.NaN : (double) kept / actual.length;
            acc[t] = kept == 0 ? Double.NaN : (double) hits / kept;
        }
        return new Coverage(thresholds.clone(), cov, acc);
    }

    /**
     * Accuracy over the last {@code window} rows, at each row from the {@code window}-th on (rows in time order);
     * element {@code i} of the result belongs to row {@code i + window - 1}.
     */
    public static double[] rollingAccuracy(double[] actual, double[] predicted, int window) {
        check(actual, predicted);
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        int n = actual.length - window + 1;
        if (n <= 0) {
            return new double[0];
        }
        double[] out = new double[n];
        int hits = 0;
        for (int i = 0; i < actual.length; i++) {
            hits += actual[i] == predicted[i] ? 1 : 0;
            if (i >= window) {
                hits -= actual[i - window] == predicted[i - window] ? 1 : 0;
            }
            if (i >= window - 1) {
                out[i - window + 1] = (double) hits / window;
            }
        }
        return out;
    }

    /** Accuracy of one calendar period: its UTC start (epoch ms), rows, accuracy. */
    public record Period(long start, int rows, double accuracy) {
    }

    /**
     * Accuracy per calendar period of {@code unit} (UTC, e.g. {@link ChronoUnit#HOURS} or {@link ChronoUnit#DAYS}),
     * in time order; periods without rows are absent. Times are bar open times in epoch milliseconds.
     */
    public static List<Period> accuracyPerPeriod(long[] time, double[] actual, double[] predicted, ChronoUnit unit) {
        check(actual, predicted);
        if (time.length != actual.length) {
            throw new IllegalArgumentException("time has " + time.length + " rows, actual " + actual.length);
        }
        List<Period> out = new ArrayList<>();
        long current = Long.MIN_VALUE;
        int rows = 0;
        int hits = 0;
        for (int i = 0; i < time.length; i++) {
            long start = periodStart(time[i], unit);
            if (start != current) {
                if (rows > 0) {
                    out.add(new Period(current, rows, (double) hits / rows));
                }
                if (start < current) {
                    throw new IllegalArgumentException("time is not ascending at row " + i);
                }
                current = start;
                rows = 0;
                hits = 0;
            }
            rows++;
            hits += actual[i] == predicted[i] ? 1 : 0;
        }
        if (rows > 0) {
            out.add(new Period(current, rows, (double) hits / rows));
        }
        return out;
    }

    /** Start of the UTC calendar period of {@code unit} containing {@code epochMillis}. */
    public static long periodStart(long epochMillis, ChronoUnit unit) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        ZonedDateTime s = switch (unit) {
            case WEEKS -> t.truncatedTo(ChronoUnit.DAYS).minusDays(t.getDayOfWeek().getValue() - 1L);
            case MONTHS -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            default -> t.truncatedTo(unit);
        };
        return s.toInstant().toEpochMilli();
    }

    /** Index of the largest value (the first on ties). */
    public static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    static int cls(double v, int classes, String what, int row) {
        int c = (int) v;
        if (c != v || c < 0 || c >= classes) {
            throw new IllegalArgumentException(what + "[" + row + "] = " + v + " is not a class in 0.." + (classes - 1));
        }
        return c;
    }

    static void check(double[] actual, double[] predicted) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException("actual has " + actual.length + " rows, predicted " + predicted.length);
        }
    }

    static void checkProbabilities(double[] actual, Probabilities probabilities) {
        if (probabilities == null) {
            throw new IllegalArgumentException("no class probabilities (a regression split?)");
        }
        if (actual.length != probabilities.rows()) {
            throw new IllegalArgumentException("actual has " + actual.length + " rows, probabilities "
                    + probabilities.rows());
        }
    }
}
