package io.atlasj.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checked votes. */
class EnsemblesTest {
    static ResultsObject.Split split(double[] predicted, double[][] prob) {
        return new ResultsObject.Split(new long[] {1, 2, 3}, new double[] {0, 1, 2}, predicted, Probabilities.of(prob));
    }

    final ResultsObject.Split a = split(new double[] {0, 1, 2}, new double[][] {{.6, .3, .1}, {.2, .5, .3}, {.1, .1, .8}});
    final ResultsObject.Split b = split(new double[] {0, 2, 1}, new double[][] {{.5, .4, .1}, {.1, .2, .7}, {.2, .7, .1}});
    final ResultsObject.Split c = split(new double[] {1, 2, 1}, new double[][] {{.2, .9, .0}, {.3, .3, .4}, {.3, .6, .1}});

    @Test
    void majorityTakesTheMostVotedClassAndTiesGoLow() {
        ResultsObject.Split m = Ensembles.vote(List.of(a, b, c), "majority");
        assertThat(m.predicted()).containsExactly(0, 2, 1);
        assertThat(m.probabilities().row(0)).containsExactly(2 / 3.0, 1 / 3.0, 0);
        ResultsObject.Split tie = Ensembles.vote(List.of(a, c), "majority");
        assertThat(tie.predicted()).containsExactly(0, 1, 1); // row 0: 0 vs 1 -> 0; row 1: 1 vs 2 -> 1
    }

    @Test
    void maxConfidenceTakesTheMostConfidentMember() {
        ResultsObject.Split m = Ensembles.vote(List.of(a, b, c), "max-confidence");
        assertThat(m.predicted()).containsExactly(1, 2, 2); // c at .9, b at .7, a at .8
        assertThat(m.probabilities().row(0)).containsExactly(.2, .9, .0);
    }
}
