package io.atlasj.stats.multiple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RealityCheckTest {
    /**
     * Two models over four rows, four given resamples, worked by hand. Means 0.05 and 0; V = sqrt(4) * 0.05 = 0.1.
     * Resample {0,0,0,0}: centred means .05, 1 -> 2 > .1; {1,1,1,1}: -.15, -1 -> -.3; {2,3,2,3}: .05, 0 -> .1 (not
     * above); {0,1,2,3}: 0, 0 -> 0. One of four above: p = 0.25.
     */
    @Test
    void whitesStatisticAndPValueByHand() {
        double[][] d = {{0.1, 1}, {-0.1, -1}, {0.2, 0}, {0.0, 0}};
        int[][] boot = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 3, 2, 3}, {0, 1, 2, 3}};
        RealityCheck.Result r = RealityCheck.white(d, boot);
        assertThat(r.statistic()).isCloseTo(0.1, within(1e-15));
        assertThat(r.pValue()).isEqualTo(0.25);
        assertThat(r.best()).isZero();
    }

    /**
     * Hansen's SPA on the same two models, resamples {0,0,0,0}, {1,1,1,1}, {2,2,2,2}, {0,1,2,3}, by hand.
     * sqrt(4) (resampled mean - mean): model 0: .1, -.3, .3, 0, variance .0475; model 1: 2, -2, 0, 0, variance 2.
     * t_0 = 2 * .05 / sqrt(.0475) = .4588, t_1 = 0, so T = .4588. Both t_k are above -sqrt(2 ln ln 4) = -.808, so
     * both are recentred at their means. Resampled statistics (floored at 0): max(.4588, 1.414) = 1.414;
     * max(-1.38, -1.41) -> 0; max(.3 / .2179 = 1.377, 0) = 1.377; 0. Two of four above T: p = 0.5.
     */
    @Test
    void hansensStatisticAndPValueByHand() {
        double[][] d = {{0.1, 1}, {-0.1, -1}, {0.2, 0}, {0.0, 0}};
        int[][] boot = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {0, 1, 2, 3}};
        RealityCheck.Result r = RealityCheck.hansen(d, boot);
        assertThat(r.statistic()).isCloseTo(0.1 / Math.sqrt(0.0475), within(1e-12));
        assertThat(r.pValue()).isEqualTo(0.5);
        assertThat(r.best()).isZero();
    }

    /**
     * Models that all lose to the benchmark: SPA's statistic is floored at 0, and so is every resampled one when the
     * losses are far below (no recentring), so no resample is strictly above: the p-value must be 1 (no evidence),
     * not 0. The quickstart's return-1bar unit, every model losing 0.2 to 0.3 Sharpe per bar after costs, reported
     * SPA p = 0.000 before this.
     */
    @Test
    void modelsThatAllLoseGiveSpaPOne() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] d = new double[300][3];
        for (double[] row : d) {
            for (int k = 0; k < 3; k++) {
                row[k] = -0.01 + 0.01 * rnd.nextGaussian();
            }
        }
        int[][] boot = RealityCheck.stationaryBootstrap(300, 500, Math.cbrt(300), 42);
        RealityCheck.Result spa = RealityCheck.hansen(d, boot);
        assertThat(spa.statistic()).isZero();
        assertThat(spa.pValue()).isEqualTo(1.0);
        assertThat(RealityCheck.white(d, boot).pValue()).isGreaterThan(0.5);
    }

    /**
     * The block-sum path for thousands of models gives the figures of the row-by-row definitions on the same
     * resamples: mixed models (an edge, noise, losers, a constant), with blocks that wrap past the last row.
     */
    @Test
    void theBlockSumPathAgreesWithTheDefinitions() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 257;
        int l = 40;
        double[][] rows = new double[n][l];
        double[][] cols = new double[l][n];
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < l; k++) {
                double drift = k == 0 ? 0.004 : k < 5 ? -0.02 : k == 5 ? 0 : 0;
                double v = k == 5 ? 0.001 : drift + 0.01 * rnd.nextGaussian();
                rows[t][k] = v;
                cols[k][t] = v;
            }
        }
        for (double block : new double[] {1, Math.cbrt(n), 40}) {
            int[][] boot = RealityCheck.stationaryBootstrap(n, 300, block, 42);
            RealityCheck.Both both = RealityCheck.both(cols, 300, block, 42);
            RealityCheck.Result white = RealityCheck.white(rows, boot);
            RealityCheck.Result spa = RealityCheck.hansen(rows, boot);
            assertThat(both.white().pValue()).isEqualTo(white.pValue());
            assertThat(both.white().statistic()).isCloseTo(white.statistic(), within(1e-12));
            assertThat(both.white().best()).isEqualTo(white.best());
            assertThat(both.hansen().pValue()).isEqualTo(spa.pValue());
            assertThat(both.hansen().statistic()).isCloseTo(spa.statistic(), within(1e-9));
        }
    }

    @Test
    void stationaryBootstrapHasTheAskedMeanBlockLength() {
        int[][] idx = RealityCheck.stationaryBootstrap(1000, 200, 10, 1);
        long blocks = 0;
        for (int[] row : idx) {
            blocks++;
            for (int t = 1; t < row.length; t++) {
                blocks += row[t] != (row[t - 1] + 1) % 1000 ? 1 : 0;
            }
        }
        // 200,000 rows in geometric blocks of mean 10 (a restart that happens to continue is not counted: 0.1%)
        assertThat(200_000.0 / blocks).isCloseTo(10, within(0.3));
        assertThat(RealityCheck.stationaryBootstrap(50, 3, 4, 9)).isDeepEqualTo(RealityCheck.stationaryBootstrap(50, 3, 4, 9));
    }

    @Test
    void aRealEdgeIsFoundAndNoiseIsNot() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 500;
        double[][] noise = new double[n][20];
        double[][] edge = new double[n][20];
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < 20; k++) {
                noise[t][k] = rnd.nextGaussian();
                edge[t][k] = noise[t][k] + (k == 5 ? 0.4 : 0);
            }
        }
        int[][] boot = RealityCheck.stationaryBootstrap(n, 500, 5, 4);
        assertThat(RealityCheck.white(edge, boot).pValue()).isLessThan(0.01);
        assertThat(RealityCheck.white(edge, boot).best()).isEqualTo(5);
        assertThat(RealityCheck.hansen(edge, boot).pValue()).isLessThan(0.01);
        assertThat(RealityCheck.white(noise, boot).pValue()).isGreaterThan(0.05);
        assertThat(RealityCheck.hansen(noise, boot).pValue()).isGreaterThan(0.05);
    }

    /** Hansen's point: poor, noisy models inflate the Reality Check's p-value but not the SPA test's. */
    @Test
    void poorModelsDoNotHideAGoodOneFromSpa() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 400;
        double[][] d = new double[n][41];
        for (int t = 0; t < n; t++) {
            d[t][0] = 0.3 + rnd.nextGaussian();
            for (int k = 1; k < 41; k++) {
                d[t][k] = -1.0 + 4 * rnd.nextGaussian();
            }
        }
        int[][] boot = RealityCheck.stationaryBootstrap(n, 1000, 5, 6);
        double white = RealityCheck.white(d, boot).pValue();
        double spa = RealityCheck.hansen(d, boot).pValue();
        // the good model's t-statistic is about 6; the 40 poor ones' bootstrap noise (sd 4) swamps White's max
        assertThat(white).isGreaterThan(0.5);
        assertThat(spa).isLessThan(0.01);
    }
}
