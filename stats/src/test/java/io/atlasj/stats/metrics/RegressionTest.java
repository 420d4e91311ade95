package io.atlasj.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionTest {
    static final double[] A = {1, 2, 3, 4};
    static final double[] P = {1.5, 1.5, 3.5, 3.0};

    @Test
    void errorsAndR2ByHand() {
        // residuals .5 -.5 .5 -1: squares sum 1.75, absolutes sum 2.5; SS_tot around 2.5 is 5
        assertThat(Regression.rmse(A, P)).isCloseTo(Math.sqrt(1.75 / 4), within(1e-15));
        assertThat(Regression.mae(A, P)).isEqualTo(0.625);
        assertThat(Regression.r2(A, P)).isCloseTo(0.65, within(1e-15));
        assertThat(Regression.r2(A, new double[] {2.5, 2.5, 2.5, 2.5})).isEqualTo(0.0);
        assertThat(Regression.r2(new double[] {1, 1}, new double[] {0, 2})).isNaN();
    }

    @Test
    void directionalAccuracySkipsZeroReturns() {
        // counted rows 0, 1, 3, 4 (row 2's actual is 0); right at 0 and 4
        assertThat(Regression.directionalAccuracy(new double[] {0.01, -0.02, 0, 0.03, -0.01},
                new double[] {0.02, 0.01, 0.5, -0.01, -0.03})).isEqualTo(0.5);
    }

    @Test
    void informationCoefficientMatchesScipy() {
        // scipy.stats.spearmanr([1,2,2,3,6,5], [0.3,0.1,0.2,0.2,0.5,0.4]).correlation (ties in both columns)
        double[] actual = {0.3, 0.1, 0.2, 0.2, 0.5, 0.4};
        double[] predicted = {1, 2, 2, 3, 6, 5};
        assertThat(Regression.informationCoefficient(actual, predicted)).isCloseTo(0.6029411764705883, within(1e-12));
        // a monotone transform of the predictions does not change a rank correlation
        assertThat(Regression.informationCoefficient(new double[] {1, 2, 3, 4}, new double[] {-5, 0.1, 7, 100})).isEqualTo(1.0);
        assertThat(Regression.informationCoefficient(A, new double[] {1, 1, 1, 1})).isNaN();
        double[] rolling = Regression.rollingInformationCoefficient(actual, predicted, 3);
        assertThat(rolling).hasSize(4);
        // first window: actual .3 .1 .2 ranks 3 1 2, predicted 1 2 2 ranks 1 2.5 2.5: Pearson of the ranks = -0.866...
        assertThat(rolling[0]).isCloseTo(-Math.sqrt(3) / 2, within(1e-12));
    }

    @Test
    void negativeZeroTiesWithZeroAsInScipy() {
        // Commons Math ranks by Double.compare, which puts -0.0 below 0.0; scipy (and arithmetic) hold them equal.
        // scipy.stats.spearmanr(actual, predicted).correlation, scipy 1.10.1: 0.42006355619863195
        double[] actual = {-0.0, 0.0, 0.01, -0.02, 0.0, 0.03, -0.0, 0.01};
        double[] predicted = {0.1, 0.2, 0.3, -0.1, -0.0, 0.0, 0.05, 0.2};
        assertThat(Regression.informationCoefficient(actual, predicted)).isCloseTo(0.42006355619863195, within(1e-12));
        double[] positiveZeros = {0.0, 0.0, 0.01, -0.02, 0.0, 0.03, 0.0, 0.01};
        double[] predictedPositiveZeros = {0.1, 0.2, 0.3, -0.1, 0.0, 0.0, 0.05, 0.2};
        assertThat(Regression.informationCoefficient(actual, predicted))
                .isEqualTo(Regression.informationCoefficient(positiveZeros, predictedPositiveZeros));
    }

    /**
     * The sliding computation gives each window's {@link Regression#informationCoefficient} (Commons Math's ranking,
     * checked against scipy above): over ties, zeros of both signs, constant stretches, a NaN and windows of 3 to 120
     * rows.
     */
    @Test
    void theRollingCoefficientIsEachWindowsCoefficient() {
        java.util.Random random = new java.util.Random(7);
        double[] few = {-0.0, 0.0, 0.5, -0.25, 1, 1, 2};
        for (int trial = 0; trial < 60; trial++) {
            int n = 3 + random.nextInt(400);
            double[] actual = new double[n];
            double[] predicted = new double[n];
            for (int i = 0; i < n; i++) {
                actual[i] = trial % 3 == 0 ? few[random.nextInt(few.length)] : random.nextGaussian() * 0.01;
                predicted[i] = trial % 2 == 0 ? few[random.nextInt(few.length)] : random.nextGaussian();
                if (trial % 5 == 0 && i > n / 3 && i < n / 2) {
                    predicted[i] = 0.125; // a constant stretch: NaN where a window lies within it
                }
                if (trial % 7 == 0 && i == n / 2) {
                    actual[i] = Double.NaN; // a diverged row: NaN in every window that holds it
                }
            }
            int window = 3 + random.nextInt(Math.min(n, 120) - 2);
            double[] rolling = Regression.rollingInformationCoefficient(actual, predicted, window);
            assertThat(rolling).hasSize(n - window + 1);
            for (int i = 0; i < rolling.length; i++) {
                double expected = Regression.informationCoefficient(java.util.Arrays.copyOfRange(actual, i, i + window),
                        java.util.Arrays.copyOfRange(predicted, i, i + window));
                if (Double.isNaN(expected)) {
                    assertThat(rolling[i]).as("trial %d window %d at %d", trial, window, i).isNaN();
                } else {
                    assertThat(rolling[i]).as("trial %d window %d at %d", trial, window, i)
                            .isCloseTo(expected, within(1e-12));
                }
            }
        }
        assertThat(Regression.rollingInformationCoefficient(new double[] {1, 2}, new double[] {2, 1}, 3)).isEmpty();
        // a NaN prediction (a diverged network) gives NaN, as scipy's spearmanr does, where Commons Math would throw
        assertThat(Regression.informationCoefficient(new double[] {1, 2, 3, 4}, new double[] {1, Double.NaN, 2, 3}))
                .isNaN();
    }
}
