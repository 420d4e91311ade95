package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The softmax's vectorisable exponential and the loops built on it, against {@link Math#exp} and {@link Math#log}. */
class DenseLoopsTest {

    @Test
    void theExponentialIsMathsWithinItsStatedError() {
        int n = 200_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -104.0 + 208.0 * i / (n - 1);
        }
        double[] e = x.clone();
        DenseLoops.exp(e, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(e[i] / Math.exp(x[i]) - 1));
        }
        assertThat(worst).isLessThan(4e-12);
        double[] edge = {0.0, -0.0, Double.NaN, -200.0, Double.NEGATIVE_INFINITY};
        DenseLoops.exp(edge, edge.length);
        assertThat(edge[0]).isEqualTo(1.0);
        assertThat(edge[1]).isEqualTo(1.0);
        assertThat(edge[2]).isNaN();
        // below -104 it is exp(-104): nothing a float holds, and nothing beside a row's largest term, which is 1
        assertThat(edge[3]).isEqualTo(edge[4]).isLessThan(1e-45).isPositive();
        assertThat((float) edge[3]).isZero();
        // above 104 only its size counts (a sigmoid's 1 / (1 + exp)): within 1e-4 up to 700, where it stops
        double[] high = {200.0, 700.0, 1e4, Double.POSITIVE_INFINITY};
        DenseLoops.exp(high, high.length);
        assertThat(high[0] / Math.exp(200) - 1).isBetween(-1e-8, 1e-8);
        assertThat(high[1] / Math.exp(700) - 1).isBetween(-1e-4, 1e-4);
        assertThat(high[2]).isEqualTo(high[3]).isEqualTo(high[1]).isFinite();
        assertThat((float) (1 / (1 + high[3]))).isZero();
        assertThat((float) (-Float.MAX_VALUE / (1 + high[3]))).isEqualTo(-0f);
    }

    @Test
    void expMinusOneKeepsItsRelativePrecisionNearZero() {
        int n = 100_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = -1 + 2.0 * i / (n - 1);
            x[i] = Math.signum(u) * Math.pow(10, -12 + 14.02 * Math.abs(u)); // 1e-12 to 104 either side
        }
        double[] e = x.clone();
        DenseLoops.expm1(e, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] == 0) {
                assertThat(e[i]).isZero();
            } else if (Math.abs(x[i]) <= 104) {
                worst = Math.max(worst, Math.abs(e[i] / Math.expm1(x[i]) - 1));
            }
        }
        assertThat(worst).isLessThan(4e-12);
        // beyond +-104 it stops at expm1(+-104): tanh's u / (u + 2) is then +-1 exactly
        double[] edge = {1e4, Double.POSITIVE_INFINITY, -1e4, Double.NEGATIVE_INFINITY, Double.NaN, 0.0, -0.0};
        DenseLoops.expm1(edge, edge.length);
        assertThat(edge[0]).isEqualTo(edge[1]).isGreaterThan(1e45).isFinite();
        assertThat(edge[0] / (edge[0] + 2)).isEqualTo(1.0);
        assertThat(edge[2]).isEqualTo(edge[3]).isEqualTo(-1.0);
        assertThat(edge[4]).isNaN();
        assertThat(edge[5]).isZero();
        assertThat(1 / edge[6]).isEqualTo(Double.NEGATIVE_INFINITY); // -0 stays -0
    }

    /**
     * Tanh, sigmoid and gelu (ND4J's, {@code x sigmoid(1.702 x)}) and their derivatives through the vectorised
     * exponential: the textbook forms over {@link Math#exp} and {@link Math#tanh} rounded to float, within a float's
     * rounding (relative 2e-7; tanh by expm1, so near zero too), from -200 to 200 and at the edges; NaN stays NaN.
     */
    @Test
    void theCurvedActivationsAndTheirDerivativesAreTheTextbookOnes() {
        Random r = new Random(9);
        int n = 4_096;
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = i < 14 ? new float[] {0f, -0f, 1e-30f, -1e-8f, 200f, -200f, 60f, -60f, 1e4f, -1e4f,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[i]
                    : (float) (r.nextGaussian() * (i % 3 == 0 ? 40 : 3));
        }
        double[] e = new double[n];
        for (int act : new int[] {DenseLoops.TANH, DenseLoops.SIGMOID, DenseLoops.GELU}) {
            float[] a = new float[n];
            DenseLoops.activate(act, z, a, n, e);
            float[] d = new float[n];
            java.util.Arrays.fill(d, 1f);
            DenseLoops.derivative(act, z, d, n, e);
            for (int i = 0; i < n; i++) {
                double x = z[i];
                if (act == DenseLoops.GELU && x == Double.NEGATIVE_INFINITY) {
                    continue; // -inf times sigmoid's 0: NaN by the textbook form, -inf here; no network gets there
                }
                double s = act == DenseLoops.GELU ? 1 / (1 + Math.exp(-1.702 * x)) : 1 / (1 + Math.exp(-x));
                double want = act == DenseLoops.TANH ? Math.tanh(x) : act == DenseLoops.SIGMOID ? s : x * s;
                // tanh's and sigmoid's slopes in float from the float activation, as before (1 - t t cancels near
                // |t| = 1: a float's rounding of t moves it by up to 2.4e-7)
                float tf = (float) Math.tanh(x);
                float sf = (float) s;
                double slope = act == DenseLoops.TANH ? 1 - tf * tf
                        : act == DenseLoops.SIGMOID ? sf * (1 - sf) : s + 1.702 * x * s * (1 - s);
                double slack = act == DenseLoops.GELU || act == DenseLoops.SIGMOID && x < 0 ? 1e-40 : 2.5e-7;
                if (Double.isInfinite(want)) {
                    assertThat((double) a[i]).as("act %d at %s", act, x).isEqualTo(want);
                } else {
                    assertThat((double) a[i]).as("act %d at %s", act, x)
                            .isCloseTo(want, within(2e-7 * Math.abs(want) + 1e-40));
                }
                if (Double.isNaN(slope)) { // gelu's at +inf: inf times 0, both ways
                    assertThat(d[i]).as("act %d' at %s", act, x).isNaN();
                } else {
                    assertThat((double) d[i]).as("act %d' at %s", act, x)
                            .isCloseTo(slope, within(4e-7 * Math.abs(slope) + slack));
                }
            }
            float[] nan = {Float.NaN};
            DenseLoops.activate(act, nan, a, 1, e);
            assertThat(a[0]).isNaN();
            float[] slopeAtNaN = {1f};
            DenseLoops.derivative(act, nan, slopeAtNaN, 1, e);
            assertThat(slopeAtNaN[0]).isNaN();
        }
    }

    @Test
    void softmaxAndLogLossAreTheTextbookOnesRowByRow() {
        Random r = new Random(11);
        int width = 4;
        int n = 777;
        float[][] z = new float[width][n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < width; q++) {
                z[q][i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 30 : 3));
            }
            y[i] = r.nextInt(width);
        }
        float[][] p = new float[width][n];
        DenseLoops.Rows rows = new DenseLoops.Rows(width, 1024);
        DenseLoops.softmax(z, p, width, n, rows);
        double floor = 1e-7;
        double loss = 0;
        int floored = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int q = 0; q < width; q++) {
                max = Math.max(max, z[q][i]);
            }
            double sum = 0;
            for (int q = 0; q < width; q++) {
                sum += Math.exp(z[q][i] - max);
            }
            for (int q = 0; q < width; q++) {
                float expected = (float) (Math.exp(z[q][i] - max) / sum);
                assertThat(p[q][i]).isCloseTo(expected, within(Math.ulp(expected)));
            }
            double py = Math.exp(z[(int) y[i]][i] - max) / sum;
            floored += py < floor ? 1 : 0;
            loss -= Math.log(Math.max(floor, py));
        }
        assertThat(floored).isPositive(); // rows at the floor among them, a loss of 16.1 each
        assertThat(DenseLoops.logLoss(z, width, n, y, floor, rows)).isCloseTo(loss, within(1e-12 * loss));
    }

    @Test
    void theSumOfLogsByProductsIsTheSumOfLogs() {
        Random r = new Random(3);
        for (int n : new int[]{1, 15, 16, 17, 255, 256, 257, 4096}) {
            double[] v = new double[n];
            double expected = 0;
            for (int i = 0; i < n; i++) {
                v[i] = i % 11 == 0 ? 1e-19 : r.nextDouble();
                expected += Math.log(v[i]);
            }
            double[] products = new double[(n + 15) / 16];
            assertThat(DenseLoops.sumLogs(v, n, products)).as("n = %d", n)
                    .isCloseTo(expected, within(1e-13 * Math.abs(expected)));
        }
        assertThat(DenseLoops.sumLogs(new double[]{0.5, Double.NaN, 0.25}, 3, new double[1])).isNaN();
    }

    @Test
    void theTrueClassIsAHitWhenItIsTheFirstMostProbable() {
        Random r = new Random(8);
        for (int width : new int[]{2, 3, 5}) {
            int n = 3_000;
            float[][] p = new float[width][n];
            double[] y = new double[n + 7];
            int expected = 0;
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < width; q++) {
                    // few distinct values, so that ties for the first place are common
                    p[q][i] = r.nextInt(4) / 4f;
                }
                int t = r.nextInt(width);
                y[7 + i] = t;
                int arg = 0;
                for (int q = 1; q < width; q++) {
                    if (p[q][i] > p[arg][i]) {
                        arg = q;
                    }
                }
                expected += arg == t ? 1 : 0;
            }
            double[] trueP = new double[n];
            assertThat(DenseLoops.trueClass(p, width, y, 7, n, 0.1, trueP)).as("width %d", width).isEqualTo(expected);
            for (int i = 0; i < n; i++) {
                assertThat(trueP[i]).isEqualTo(Math.max(0.1, p[(int) y[7 + i]][i]));
            }
        }
    }

    @Test
    void aNaNRowIsClassZeroAsScoresHaveIt() {
        float n = Float.NaN;
        float[][] p = {{n, n, 0.2f}, {n, n, 0.5f}, {n, n, 0.3f}};
        double[] trueP = new double[3];
        assertThat(DenseLoops.trueClass(p, 3, new double[]{0, 1, 1}, 0, 3, 1e-12, trueP)).isEqualTo(2);
        assertThat(trueP[0]).isNaN();
    }

    @Test
    void anInfiniteOrNaNLogitGivesNaNSoItsModelFails() {
        for (float bad : new float[]{Float.POSITIVE_INFINITY, Float.NaN}) {
            float[][] z = {{0.5f, bad}, {1.5f, 0.1f}, {-1f, 2f}};
            float[][] p = new float[3][2];
            DenseLoops.Rows rows = new DenseLoops.Rows(3, 2);
            DenseLoops.softmax(z, p, 3, 2, rows);
            assertThat(p[0][0] + p[1][0] + p[2][0]).isCloseTo(1f, within(1e-6f));
            assertThat(p[0][1]).isNaN();
            assertThat(DenseLoops.logLoss(z, 3, 2, new double[]{1, 0}, 1e-7, rows)).isNaN();
        }
    }
}
