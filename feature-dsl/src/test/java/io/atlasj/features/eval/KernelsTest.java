package io.atlasj.features.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-checked small cases of the kernels, including the degenerate windows that rounding used to hide. */
class KernelsTest {
    @Test
    void smaIsExactAndFlatWindowsAreExact() {
        double[] m = Kernels.sma(new double[] {1, 2, 3, 4, 5}, 3, on(5));
        assertThat(m[0]).isNaN();
        assertThat(m[1]).isNaN();
        assertThat(new double[] {m[2], m[3], m[4]}).containsExactly(2.0, 3.0, 4.0);
        // volumes that fall to zero: the window sum is exactly 0, not a rounding residue
        double[] s = Kernels.sum(new double[] {0.1, 0.2, 0.3, 0, 0, 0}, 3, on(6));
        assertThat(s[5]).isEqualTo(0.0);
        double[] flat = Kernels.sma(new double[] {100.1, 100.3, 100.7, 100.2, 100.2, 100.2}, 3, on(6));
        assertThat(flat[5]).isEqualTo(100.2);
        assertThat(Kernels.std(new double[] {100.1, 100.3, 100.7, 100.2, 100.2, 100.2}, 3, true, on(6))[5]).isEqualTo(0.0);
    }

    @Test
    void stdMatchesTheDefinition() {
        double[] x = {2, 4, 4, 4, 5, 5, 7, 9};
        double[] pop = Kernels.std(x, 8, false, on(8));
        assertThat(pop[7]).isEqualTo(2.0); // the textbook example: population std 2
        double[] sample = Kernels.std(x, 8, true, on(8));
        assertThat(sample[7]).isCloseTo(Math.sqrt(32.0 / 7), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void nonFiniteValuesAreMissingAndDoNotPoisonLaterWindows() {
        double[] z = Kernels.zscore(new double[] {1, 2, 3, Double.POSITIVE_INFINITY, 4, 5, 6, 7}, 3, on(8));
        assertThat(z[3]).isNaN();
        assertThat(z[4]).isNaN();
        assertThat(z[5]).isNaN();
        assertThat(z[6]).isEqualTo(1.0); // window 4, 5, 6: mean 5, sample std 1
        assertThat(z[7]).isEqualTo(1.0);
    }

    @Test
    void betaAndCorrelationOfAFlatReferenceAreUndefined() {
        double[] a = {0.1, -0.2, 0.3, 0.1, -0.1, 0.2};
        double[] b = {0.1, 0.2, 0.3, 0, 0, 0};
        assertThat(Kernels.beta(a, b, 3, on(6))[5]).isNaN();
        assertThat(Kernels.correlation(a, b, 3, on(6))[5]).isNaN();
    }

    @Test
    void rollingMinMaxAndLagDiff() {
        double[] x = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(Kernels.max(x, 3)).containsExactly(Double.NaN, Double.NaN, 4, 4, 5, 9, 9, 9);
        assertThat(Kernels.min(x, 3)).containsExactly(Double.NaN, Double.NaN, 1, 1, 1, 1, 2, 2);
        assertThat(Kernels.lag(x, 2)).containsExactly(Double.NaN, Double.NaN, 3, 1, 4, 1, 5, 9);
        assertThat(Kernels.diff(x, 1)).containsExactly(Double.NaN, -2, 3, -3, 4, 4, -7, 4);
    }

    /** {@code n} one-minute bars from the epoch. */
    static Timeline on(int n) {
        return Timeline.regular(n, 0, 60_000);
    }

    /**
     * The kernels that carry arithmetic along the series give the same bits from any start far enough back: a
     * suffix of a long random walk (with NaN holes, and starting at every offset around an anchor) equals the whole
     * series' values once its reach has passed; and the anchored EMA stays within 1e-12 of one recursion from the
     * start.
     */
    @Test
    void valuesDoNotDependOnWhereTheSeriesWasCut() {
        java.util.Random r = new java.util.Random(11);
        int n = 5 * Timeline.ANCHOR_BARS;
        long start = 7 * 60_000L; // anchors fall inside the series, not at its first bar
        double[] x = new double[n];
        double level = 100;
        for (int i = 0; i < n; i++) {
            level *= Math.exp(r.nextGaussian() * 1e-3);
            x[i] = level;
        }
        x[1500] = Double.NaN;
        x[3001] = Double.NaN;
        Timeline all = Timeline.regular(n, start, 60_000);
        double alpha = 2.0 / 21;
        int warm = Kernels.emaWarmup(alpha);
        java.util.List<java.util.function.BiFunction<double[], Timeline, double[]>> kernels = java.util.List.of(
                (v, t) -> Kernels.sma(v, 20, t), (v, t) -> Kernels.std(v, 30, true, t),
                (v, t) -> Kernels.ema(v, alpha, t), (v, t) -> Kernels.zscore(v, 25, t));
        int[] reach = {2 * 20, Timeline.ANCHOR_BARS + 30, Timeline.ANCHOR_BARS + warm, Timeline.ANCHOR_BARS + 25};
        for (int k = 0; k < kernels.size(); k++) {
            double[] full = kernels.get(k).apply(x, all);
            for (int cut : new int[] {1, 17, 600, 1017, 1018, 1019, 1500, 2041, 2500}) {
                double[] part = kernels.get(k).apply(java.util.Arrays.copyOfRange(x, cut, n), all.slice(cut, n));
                for (int i = cut + reach[k]; i < n; i++) {
                    assertThat(Double.doubleToRawLongBits(part[i - cut])).as("kernel %d cut at %d, bar %d", k, cut, i)
                            .isEqualTo(Double.doubleToRawLongBits(full[i]));
                }
            }
        }
        double[] ema = Kernels.ema(x, alpha, all);
        double prev = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[i])) {
                prev = Double.NaN;
                continue;
            }
            prev = Double.isNaN(prev) ? x[i] : prev + alpha * (x[i] - prev);
            assertThat(ema[i]).as("bar %d", i).isCloseTo(prev, org.assertj.core.api.Assertions.within(1e-12 * prev));
        }
    }
}
