package io.atlasj.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.Search;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialStopperTest {
    @Test
    void ashaKeepsTheBestThirdAtEachRungAsTrialsArrive() {
        TrialStopper s = new TrialStopper(Map.of("u", Search.asha(1, 0, 3), "plain", Search.NONE));
        // not a rung: nothing is recorded or decided
        assertThat(s.report("u", "a", 0, 2, 9.0)).isNull();
        // rung 1: the first trial is its own cutoff; the second, worse, is beyond the best third of two
        assertThat(s.report("u", "a", 0, 1, 1.0)).isNull();
        assertThat(s.report("u", "b", 0, 1, 2.0)).startsWith("stopped by asha after epoch 1 of fold 0: validation "
                + "loss 2.00000 is not within the best 1/3 of the 2 trials recorded at this rung (cutoff 1.33333)");
        // a better one goes on; a middling one (cutoff of [0.5, 1, 1.5, 2] at 33.3%: 1.0) stops
        assertThat(s.report("u", "c", 0, 1, 0.5)).isNull();
        assertThat(s.report("u", "d", 0, 1, 1.5)).contains("cutoff 1.00000");
        // only the first fold is judged: a later fold's report is neither recorded nor judged
        assertThat(s.report("u", "e", 1, 1, 50.0)).isNull();
        assertThat(s.wants("u", 1, 1)).isFalse();
        assertThat(s.wants("u", 0, 1)).isTrue();
        assertThat(s.wants("u", 0, 2)).isFalse(); // not a rung
        // rung 3 (1 x 3): a NaN loss is the worst
        assertThat(s.report("u", "a", 0, 3, 0.9)).isNull();
        assertThat(s.report("u", "c", 0, 3, Double.NaN)).contains("validation loss NaN");
        // once stopped, always stopped (a retry is told at once, at any epoch)
        assertThat(s.report("u", "b", 0, 2, 0.1)).startsWith("stopped by asha after epoch 1");
        assertThat(s.stopped()).containsOnlyKeys("b", "d", "c");
        // a unit without a search never stops anything
        assertThat(s.report("plain", "z", 0, 1, 1e9)).isNull();
        assertThat(s.active("plain")).isFalse();
        assertThat(s.active("u")).isTrue();
    }

    @Test
    void theMedianRuleComparesTheBestSoFarWithTheOthersMeansAfterItsGracePeriod() {
        TrialStopper s = new TrialStopper(Map.of("u", Search.median(2, 2)));
        // three trials of three epochs each
        double[][] curves = {{1.0, 0.8, 0.7}, {1.2, 1.0, 0.9}, {3.0, 2.9, 2.8}};
        String[] keys = {"a", "b", "c"};
        String verdict = null;
        for (int e = 1; e <= 3; e++) {
            for (int k = 0; k < 3; k++) {
                String v = s.report("u", keys[k], 0, e, curves[k][e - 1]);
                if (k == 2 && e == 2) {
                    verdict = v;
                } else if (e == 1 || k < 2) {
                    // epoch 1: grace; a and b are never worse than the median of the others' means
                    assertThat(v).as("%s at %d", keys[k], e).isNull();
                }
            }
        }
        // c after epoch 2: best 2.9 against the means of a (0.9) and b (1.1): median 1.0
        assertThat(verdict).isEqualTo("stopped by the median rule after epoch 2 of fold 0: its best validation loss "
                + "2.90000 is worse than the median 1.00000 of 2 other trials' mean losses up to this epoch");
    }

    @Test
    void aRestartedDriverRemembersTheStoredTrialsCurves() {
        TrialStopper s = new TrialStopper(Map.of("u", Search.asha(2, 0, 2)));
        s.replay("u", "done1", 0, new double[]{1.0, 0.5, 0.4, 0.3});
        s.replay("u", "done2", 0, new double[]{1.0, 0.6});
        // rung 2 holds 0.5 and 0.6: with 0.65 the median is 0.6
        assertThat(s.report("u", "new", 0, 2, 0.65)).contains("of the 3 trials recorded at this rung");
        assertThat(s.report("u", "new2", 0, 2, 0.52)).isNull();
    }

    @Test
    void percentilesInterpolateAsNumpyDoes() {
        assertThat(TrialStopper.percentile(new double[]{4, 1, 3, 2}, 50)).isEqualTo(2.5);
        assertThat(TrialStopper.percentile(new double[]{1, 2, 3}, 100.0 / 3)).isEqualTo(1 + 2.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(TrialStopper.percentile(new double[]{7}, 10)).isEqualTo(7);
    }
}
