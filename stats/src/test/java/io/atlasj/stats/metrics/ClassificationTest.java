package io.atlasj.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.workspec.results.Probabilities;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every expected value below was worked out by hand from the definitions (the working is in the comments). */
class ClassificationTest {
    // rows:          0  1  2  3  4  5  6  7
    static final double[] ACTUAL = {0, 0, 1, 1, 2, 2, 1, 0};
    static final double[] PREDICTED = {0, 1, 1, 1, 2, 0, 2, 0};

    /**
     * Coverage and likelihood ratios are counted on sorted probabilities (a card draws them at 101 thresholds for
     * 10,000 rows); the counts equal the row-by-row definition, at thresholds equal to probabilities too.
     */
    /** The radix sort of scores and the curve-free AUC agree with Arrays.sort and the ROC curve's area. */
    @Test
    void scoresSortAndAucAgreeWithTheirDefinitions() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        for (int n : new int[] {10, 70, 5_000}) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = i % 3 == 0 ? (float) rnd.nextDouble() : i % 3 == 1 ? rnd.nextDouble() : Math.round(rnd.nextDouble() * 10) / 10.0;
            }
            double[] b = a.clone();
            Classification.sortScores(a);
            java.util.Arrays.sort(b);
            assertThat(a).containsExactly(b);
            double[] actual = new double[n];
            double[][] prob = new double[n][2];
            for (int i = 0; i < n; i++) {
                actual[i] = rnd.nextInt(2);
                double p = i % 2 == 0 ? (float) rnd.nextDouble() : Math.round(rnd.nextDouble() * 20) / 20.0;
                prob[i] = new double[] {p, 1 - p};
            }
            for (int c = 0; c < 2; c++) {
                assertThat(Classification.auc(actual, Probabilities.of(prob), c)).isCloseTo(Classification.roc(actual, Probabilities.of(prob), c).auc(),
                        within(1e-12));
            }
        }
        // a NaN score is one group of its own (it used to loop for ever)
        double[][] withNan = {{0.5, 0.5}, {Double.NaN, Double.NaN}, {0.25, 0.75}, {Double.NaN, Double.NaN}};
        double[] y = {1, 0, 0, 1};
        assertThat(Classification.roc(y, Probabilities.of(withNan), 1).fpr()).hasSize(4);
        assertThat(Classification.auc(y, Probabilities.of(withNan), 1)).isCloseTo(Classification.roc(y, Probabilities.of(withNan), 1).auc(), within(1e-12));
        double[] mixed = {0.5, -0.0, 0.25, Double.NaN, 0.0};
        Classification.sortScores(mixed);
        assertThat(mixed[0]).isEqualTo(-0.0);
        assertThat(mixed[4]).isNaN();
    }

    @Test
    void sortedCountsEqualTheRowByRowDefinition() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        int n = 997;
        double[] actual = new double[n];
        double[] predicted = new double[n];
        double[][] prob = new double[n][3];
        for (int i = 0; i < n; i++) {
            actual[i] = rnd.nextInt(3);
            double a = Math.round(rnd.nextDouble() * 20) / 20.0;
            double b = Math.round(rnd.nextDouble() * (1 - a) * 20) / 20.0;
            prob[i] = new double[] {a, b, 1 - a - b};
            predicted[i] = rnd.nextInt(3);
        }
        double[] th = new double[101];
        for (int t = 0; t < th.length; t++) {
            th[t] = t / 100.0;
        }
        Classification.Coverage cov = Classification.coverage(actual, predicted, Probabilities.of(prob), th);
        for (int c = 0; c < 3; c++) {
            Classification.LikelihoodRatios lr = Classification.likelihoodRatios(actual, Probabilities.of(prob), c, th);
            for (int t = 0; t < th.length; t++) {
                int called = 0;
                int kept = 0;
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    called += prob[i][c] >= th[t] ? 1 : 0;
                    double conf = Math.max(prob[i][0], Math.max(prob[i][1], prob[i][2]));
                    if (conf >= th[t]) {
                        kept++;
                        hits += actual[i] == predicted[i] ? 1 : 0;
                    }
                }
                assertThat(lr.called()[t]).isEqualTo(called);
                assertThat(cov.coverage()[t]).isEqualTo((double) kept / n);
                if (kept > 0) {
                    assertThat(cov.accuracy()[t]).isEqualTo((double) hits / kept);
                }
            }
        }
    }

    @Test
    void accuracyConfusionPrecisionRecallF1ByHand() {
        // hits at rows 0, 2, 3, 4, 7: 5 of 8
        assertThat(Classification.accuracy(ACTUAL, PREDICTED)).isEqualTo(0.625);
        long[][] m = Classification.confusion(ACTUAL, PREDICTED, 3);
        // actual 0 -> predicted 0,1,0; actual 1 -> 1,1,2; actual 2 -> 2,0
        assertThat(m).isEqualTo(new long[][] {{2, 1, 0}, {0, 2, 1}, {1, 0, 1}});
        // column sums 3, 3, 2; row sums 3, 3, 2
        assertThat(Classification.precision(m)).containsExactly(2 / 3.0, 2 / 3.0, 0.5);
        assertThat(Classification.recall(m)).containsExactly(2 / 3.0, 2 / 3.0, 0.5);
        assertThat(Classification.f1(m)).containsExactly(new double[] {2 / 3.0, 2 / 3.0, 0.5}, within(1e-12));
    }

    // Precision of a class never predicted used to be NaN and the macro average skipped it (0.5 here, 4/7 below); it
    // is now 0, scikit-learn's zero_division default, so the averages are scikit-learn's.
    @Test
    void precisionOfAClassNeverPredictedIsZeroAsInSklearn() {
        long[][] m = Classification.confusion(new double[] {0, 1}, new double[] {0, 0}, 2);
        // class 0: predicted twice, right once; class 1: never predicted, 0/0 -> 0
        assertThat(Classification.precision(m)).containsExactly(0.5, 0.0);
        assertThat(Classification.recall(m)).containsExactly(1.0, 0.0);
        // 2 * .5 * 1 / 1.5 = 2/3; class 1: P + R = 0 -> 0
        assertThat(Classification.f1(m)).containsExactly(new double[] {2 / 3.0, 0}, within(1e-12));
        assertThat(Classification.macroAverage(Classification.precision(m), m)).isEqualTo(0.25);
    }

    @Test
    void macroF1OfAModelThatAlwaysPredictsOneClass() {
        // 4 of 10 rows are class 0 and every prediction is 0: P = (.4, 0, 0), R = (1, 0, 0),
        // F1 of class 0 = .8 / 1.4 = 4/7
        double[] actual = {0, 1, 2, 0, 0, 1, 2, 0, 1, 2};
        long[][] m = Classification.confusion(actual, new double[10], 3);
        assertThat(Classification.f1(m)).containsExactly(new double[] {4 / 7.0, 0, 0}, within(1e-12));
        // sklearn f1_score(actual, [0] * 10, average='macro') = 0.1904761904761905; it was 4/7, the NaNs skipped
        assertThat(Classification.macroAverage(Classification.f1(m), m)).isCloseTo(4 / 21.0, within(1e-12));
    }

    @Test
    void macroAverageLeavesOutAClassNeitherActualNorPredicted() {
        // three classes, class 2 in neither column: averaged over classes 0 and 1 as sklearn's default labels are
        long[][] m = Classification.confusion(new double[] {0, 1, 1, 0}, new double[] {0, 1, 0, 0}, 3);
        // P = (2/3, 1, 0), R = (1, 1/2, 0), F1 = (.8, 2/3, 0)
        assertThat(Classification.f1(m)).containsExactly(new double[] {0.8, 2 / 3.0, 0}, within(1e-12));
        assertThat(Classification.macroAverage(Classification.f1(m), m)).isCloseTo((0.8 + 2 / 3.0) / 2, within(1e-12));
        // a class predicted but never actual is averaged, with its 0 recall
        long[][] m2 = Classification.confusion(new double[] {0, 1, 1, 0}, new double[] {0, 1, 2, 0}, 3);
        assertThat(Classification.macroAverage(Classification.recall(m2), m2))
                .isCloseTo((1 + 0.5 + 0) / 3, within(1e-12));
        assertThat(Classification.macroAverage(new double[3], new long[3][3])).isNaN();
    }

    // the two-class example: scores of class 1 are 0.1, 0.4, 0.35, 0.8 for actual 0, 0, 1, 1
    static final double[] A2 = {0, 0, 1, 1};
    static final double[][] P2 = {{0.9, 0.1}, {0.6, 0.4}, {0.65, 0.35}, {0.2, 0.8}};

    @Test
    void rocAndAucByHand() {
        Classification.Roc roc = Classification.roc(A2, Probabilities.of(P2), 1);
        // thresholds 0.8 (tp 1), 0.4 (fp 1), 0.35 (tp 2), 0.1 (fp 2): points (0,.5) (.5,.5) (.5,1) (1,1)
        assertThat(roc.fpr()).containsExactly(0, 0, 0.5, 0.5, 1);
        assertThat(roc.tpr()).containsExactly(0, 0.5, 0.5, 1, 1);
        // area: 0.5 * 0.5 + 0.5 * 1; the Mann-Whitney count: 3 of 4 (positive, negative) pairs ordered right
        assertThat(roc.auc()).isEqualTo(0.75);
        // class 0 against the rest is the mirror image
        assertThat(Classification.roc(A2, Probabilities.of(P2), 0).auc()).isEqualTo(0.75);
    }

    @Test
    void tiedScoresCountOneHalfAndAMissingClassHasNoAuc() {
        assertThat(Classification.roc(new double[] {0, 1}, Probabilities.of(new double[][] {{0.5, 0.5}, {0.5, 0.5}}), 1).auc()).isEqualTo(0.5);
        assertThat(Classification.roc(new double[] {1, 1}, Probabilities.of(new double[][] {{0.5, 0.5}, {0.2, 0.8}}), 1).auc()).isNaN();
    }

    @Test
    void logLossAndBrierByHand() {
        // -(ln .9 + ln .6 + ln .35 + ln .8) / 4, evaluated with Python's math.log
        assertThat(Classification.logLoss(A2, Probabilities.of(P2))).isCloseTo(0.47228795380917615, within(1e-12));
        // rows: .01+.01, .16+.16, .4225+.4225, .04+.04 = 1.265; / 4
        assertThat(Classification.brier(A2, Probabilities.of(P2))).isCloseTo(0.31625, within(1e-12));
        // a certain miss is clipped at eps = 2^-52 as scikit-learn 1.2's log_loss does (it was 1e-15, 34.54): 52 ln 2
        assertThat(Classification.logLoss(new double[] {0}, Probabilities.of(new double[][] {{0, 1}})))
                .isCloseTo(52 * Math.log(2), within(1e-12));
    }

    @Test
    void logLossRenormalisesRowsAfterClippingAsSklearn12() {
        // {.2, .2}: .2 / .4 = .5, so ln 2 (it was -ln .2 before rows were renormalised)
        assertThat(Classification.logLoss(new double[] {0}, Probabilities.of(new double[][] {{0.2, 0.2}}))).isCloseTo(Math.log(2), within(1e-15));
        // {0, .5, .5} clips to {2^-52, .5, .5}, whose sum is 1 + 2^-52: ln 2 + ln(1 + 2^-52)
        assertThat(Classification.logLoss(new double[] {1}, Probabilities.of(new double[][] {{0, 0.5, 0.5}})))
                .isCloseTo(Math.log(2) + Math.log1p(Math.ulp(1.0)), within(1e-15));
    }

    @Test
    void likelihoodRatiosStandardDefinitionByHand() {
        Classification.LikelihoodRatios lr = Classification.likelihoodRatios(A2, Probabilities.of(P2), 1, new double[] {0.35, 0.4, 0.8, 0.9});
        // t=.35: rows 1,2,3 called: TP 2, FP 1: TPR 1, FPR .5 -> LR+ 2, LR- 0/.5 = 0
        // t=.4:  rows 1,3: TP 1, FP 1: TPR .5, FPR .5 -> 1, 1
        // t=.8:  row 3: TP 1, FP 0: TPR .5, FPR 0 -> +inf, .5/1 = .5
        // t=.9:  none: TPR 0, FPR 0 -> 0/0 NaN, 1/1 = 1
        assertThat(lr.lrPlus()[0]).isEqualTo(2.0);
        assertThat(lr.lrMinus()[0]).isEqualTo(0.0);
        assertThat(lr.lrPlus()[1]).isEqualTo(1.0);
        assertThat(lr.lrMinus()[1]).isEqualTo(1.0);
        assertThat(lr.lrPlus()[2]).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(lr.lrMinus()[2]).isEqualTo(0.5);
        assertThat(lr.lrPlus()[3]).isNaN();
        assertThat(lr.lrMinus()[3]).isEqualTo(1.0);
        assertThat(lr.called()).containsExactly(3, 2, 1, 0);
    }

    @Test
    void coverageAgainstConfidenceByHand() {
        double[] predicted = {0, 0, 0, 1};
        Classification.Coverage c = Classification.coverage(A2, predicted, Probabilities.of(P2), new double[] {0.5, 0.7, 0.95});
        // confidences .9 .6 .65 .8; hits rows 0, 1, 3
        assertThat(c.coverage()).containsExactly(1, 0.5, 0);
        assertThat(c.accuracy()[0]).isEqualTo(0.75);
        assertThat(c.accuracy()[1]).isEqualTo(1.0); // rows 0 and 3
        assertThat(c.accuracy()[2]).isNaN();
    }

    @Test
    void rollingAccuracyByHand() {
        // hits 1 0 1 1 1 0 0 1, window 3
        assertThat(Classification.rollingAccuracy(ACTUAL, PREDICTED, 3))
                .containsExactly(new double[] {2 / 3.0, 2 / 3.0, 1, 2 / 3.0, 1 / 3.0, 1 / 3.0}, within(1e-12));
        assertThat(Classification.rollingAccuracy(ACTUAL, PREDICTED, 9)).isEmpty();
    }

    @Test
    void accuracyPerUtcDay() {
        long d1 = Instant.parse("2013-11-25T22:00:00Z").toEpochMilli();
        long d2 = Instant.parse("2013-11-26T00:00:00Z").toEpochMilli();
        long[] time = {d1, d1 + 3_600_000, d2, d2 + 300_000, d2 + 600_000};
        List<Classification.Period> p = Classification.accuracyPerPeriod(time, new double[] {1, 1, 0, 0, 1},
                new double[] {1, 0, 0, 1, 1}, ChronoUnit.DAYS);
        assertThat(p).containsExactly(
                new Classification.Period(Instant.parse("2013-11-25T00:00:00Z").toEpochMilli(), 2, 0.5),
                new Classification.Period(d2, 3, 2 / 3.0));
        assertThat(Classification.periodStart(Instant.parse("2013-11-27T13:14:00Z").toEpochMilli(), ChronoUnit.WEEKS))
                .isEqualTo(Instant.parse("2013-11-25T00:00:00Z").toEpochMilli()); // a Monday
    }

    @Test
    void badInputNamesTheRow() {
        assertThatThrownBy(() -> Classification.confusion(new double[] {0, 3}, new double[] {0, 0}, 2))
                .hasMessageContaining("actual[1] = 3.0 is not a class in 0..1");
        assertThatThrownBy(() -> Classification.accuracy(new double[2], new double[3]))
                .hasMessageContaining("actual has 2 rows, predicted 3");
    }
}
