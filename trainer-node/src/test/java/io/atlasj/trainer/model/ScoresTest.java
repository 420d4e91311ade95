package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The composite validation score by hand-computed cases. */
class ScoresTest {
    static TrainingResult.Predictions classes(double[] predicted, double[][] prob) {
        return new TrainingResult.Predictions(predicted, io.atlasj.workspec.results.Probabilities.of(prob));
    }

    @Test
    void aPerfectConfidentClassifierScoresOneAndAMajorityGuesserFarLess() {
        double[] y = {0, 1, 1, 1};
        TrainingResult.Predictions perfect = classes(new double[] {0, 1, 1, 1},
                new double[][] {{1, 0}, {0, 1}, {0, 1}, {0, 1}});
        assertThat(Scores.composite(perfect, y, true, 2)).isCloseTo(1.0, within(1e-9));
        // always class 1 with probability 0.75: accuracy 0.75, macro-F1 (0 + 6/7) / 2, cross-entropy
        // (-ln 0.25 - 3 ln 0.75) / 4 against ln 2
        TrainingResult.Predictions majority = classes(new double[] {1, 1, 1, 1},
                new double[][] {{0.25, 0.75}, {0.25, 0.75}, {0.25, 0.75}, {0.25, 0.75}});
        double ce = (-Math.log(0.25) - 3 * Math.log(0.75)) / 4;
        double expected = 0.4 * 0.75 + 0.4 * (6.0 / 7) / 2 + 0.2 * (1 - Math.min(1, ce / Math.log(2)));
        assertThat(Scores.composite(majority, y, true, 2)).isCloseTo(expected, within(1e-9));
        assertThat(Scores.macroF1(new double[] {1, 1, 1, 1}, y, 2)).isCloseTo(3.0 / 7, within(1e-9));
    }

    @Test
    void regressionIsASkillScoreAgainstTheMean() {
        double[] y = {1, 2, 3, 4};
        assertThat(Scores.composite(new TrainingResult.Predictions(new double[] {1, 2, 3, 4}, null), y, false, 0))
                .isCloseTo(1, within(1e-12));
        assertThat(Scores.composite(new TrainingResult.Predictions(new double[] {2.5, 2.5, 2.5, 2.5}, null), y, false, 0))
                .isCloseTo(0, within(1e-12));
    }
}
