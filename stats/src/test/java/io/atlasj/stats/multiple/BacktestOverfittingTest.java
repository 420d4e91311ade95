package io.atlasj.stats.multiple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BacktestOverfittingTest {
    /**
     * Three trials, four rows, four one-row blocks, the mean as the statistic; the six combinations worked by hand
     * (IS blocks: IS means -> best; OOS means -> rank of the best of 3, ties averaged; w = rank / 4):
     * {0,1}: 1.5 1.5 1 -> #0; OOS 1.5 1.5 .5 -> 2.5, logit ln(5/3);
     * {0,2}: .5 .5 1.5 -> #2; OOS 2.5 2.5 0 -> 1, ln(1/3);
     * {0,3}: 2 1 1 -> #0; OOS 1 2 .5 -> 2, 0;
     * {1,2}: 1 2 .5 -> #1; OOS 2 1 1 -> 1.5, ln(3/5);
     * {1,3}: 2.5 2.5 0 -> #0; OOS .5 .5 1.5 -> 1.5, ln(3/5);
     * {2,3}: 1.5 1.5 .5 -> #0; OOS 1.5 1.5 1 -> 2.5, ln(5/3).
     * Four of six logits are at most 0: PBO = 2/3.
     */
    @Test
    void smallCaseByHand() {
        double[][] m = {{1, 0, 2}, {2, 3, 0}, {0, 1, 1}, {3, 2, 0}};
        BacktestOverfitting.Result r = BacktestOverfitting.pbo(m, 4, v -> Arrays.stream(v).average().orElseThrow());
        assertThat(r.combinations()).isEqualTo(6);
        double up = Math.log(5 / 3.0);
        double down = Math.log(3 / 5.0);
        assertThat(r.logits()).containsExactly(new double[] {up, Math.log(1 / 3.0), 0, down, down, up}, within(1e-12));
        assertThat(r.pbo()).isCloseTo(2 / 3.0, within(1e-15));
    }

    /**
     * The block-sum path for thousands of trials gives the definition's logits: noise, a skilled trial, two identical
     * trials (ties), a trial that is constant and one that is flat in some blocks only, rows left over at the end.
     */
    @Test
    void theBlockSumPathAgreesWithTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(5);
        int t = 203;
        int n = 12;
        double[][] rows = new double[t][n];
        double[][] cols = new double[n][t];
        for (int r = 0; r < t; r++) {
            for (int j = 0; j < n; j++) {
                double v = j == 0 ? 0.002 + 0.01 * rnd.nextGaussian() : j == 2 ? rows[r][1] : j == 3 ? 0.0005
                        : j == 4 ? (r < 100 ? 0 : 0.01 * rnd.nextGaussian()) : 0.01 * rnd.nextGaussian();
                rows[r][j] = v;
                cols[j][r] = v;
            }
        }
        for (int blocks : new int[] {4, 8, 16}) {
            BacktestOverfitting.Result def = BacktestOverfitting.pbo(rows, blocks);
            BacktestOverfitting.Result fast = BacktestOverfitting.pboSharpe(cols, blocks);
            assertThat(fast.pbo()).isEqualTo(def.pbo());
            assertThat(fast.logits()).containsExactly(def.logits(), within(1e-12));
        }
    }

    @Test
    void aTrialThatIsBestEverywhereIsNotOverfitAndAnAntiPersistentChoiceAlwaysIs() {
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] m = new double[160][10];
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian() * 0.01 + (j == 3 ? 0.02 : 0);
            }
        }
        assertThat(BacktestOverfitting.pbo(m, 8).pbo()).isZero();
        assertThat(BacktestOverfitting.pbo(m, 8).combinations()).isEqualTo(70); // C(8, 4)

        // two trials that take turns: whichever wins in sample loses out of sample
        double[][] alt = new double[8][2];
        for (int t = 0; t < 8; t++) {
            alt[t][0] = t % 2 == 0 ? 1 : 0;
            alt[t][1] = t % 2 == 0 ? 0 : 1;
        }
        BacktestOverfitting.Result r = BacktestOverfitting.pbo(alt, 8, v -> Arrays.stream(v).sum());
        assertThat(r.pbo()).isEqualTo(1.0);
    }

    @Test
    void pureNoiseIsOverfitAboutHalfTheTime() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[][] m = new double[400][50];
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        // with no skill the in-sample choice is a random draw out of sample: PBO near 1/2 (not a tight bound: the
        // 70 combinations share their rows)
        assertThat(BacktestOverfitting.pbo(m, 8).pbo()).isBetween(0.2, 0.8);
    }

    /**
     * The no-skill reference: with N trials the in-sample best's out-of-sample rank is uniform on 1..N and its logit
     * is at most 0 for ranks up to (N + 1) / 2, so PBO is floor((N + 1) / 2) / N: 2/3 for 3 trials, 3/5 for 5, 1/2 for
     * any even N.
     */
    @Test
    void noSkillReferenceForOddAndEvenTrials() {
        assertThat(BacktestOverfitting.noSkill(1)).isEqualTo(1.0);
        assertThat(BacktestOverfitting.noSkill(3)).isEqualTo(2 / 3.0);
        assertThat(BacktestOverfitting.noSkill(4)).isEqualTo(0.5);
        assertThat(BacktestOverfitting.noSkill(5)).isEqualTo(0.6);
        assertThat(BacktestOverfitting.noSkill(17)).isEqualTo(9 / 17.0);
    }

    /**
     * The reference checked by simulation: 400 independent searches of 3 unskilled trials (64 rows of noise each)
     * average a PBO of 2/3, not 1/2. The standard error of that mean is below 0.02 (each PBO is in [0, 1]).
     */
    @Test
    void threeUnskilledTrialsAverageTwoThirds() {
        SplittableRandom rnd = new SplittableRandom(5);
        double sum = 0;
        int searches = 400;
        for (int s = 0; s < searches; s++) {
            double[][] m = new double[64][3];
            for (double[] row : m) {
                for (int j = 0; j < 3; j++) {
                    row[j] = rnd.nextGaussian();
                }
            }
            sum += BacktestOverfitting.pbo(m, 8).pbo();
        }
        assertThat(sum / searches).isCloseTo(2 / 3.0, within(0.04)).isGreaterThan(0.6);
    }

    @Test
    void refusesAnOddNumberOfBlocks() {
        assertThatThrownBy(() -> BacktestOverfitting.pbo(new double[10][2], 3)).hasMessageContaining("even");
    }
}
