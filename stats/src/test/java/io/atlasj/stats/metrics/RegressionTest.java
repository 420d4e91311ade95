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
}
