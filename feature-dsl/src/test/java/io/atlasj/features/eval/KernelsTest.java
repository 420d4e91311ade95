package io.atlasj.features.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-checked small cases of the kernels, including the degenerate windows that rounding used to hide. */
class KernelsTest {
    @Test
    void smaIsExactAndFlatWindowsAreExact() {
        double[] m = Kernels.sma(new double[] {1, 2, 3, 4, 5}, 3);
        assertThat(m[0]).isNaN();
        assertThat(m[1]).isNaN();
        assertThat(new double[] {m[2], m[3], m[4]}).containsExactly(2.0, 3.0, 4.0);
        // volumes that fall to zero: the window sum is exactly 0, not a rounding residue
        double[] s = Kernels.sum(new double[] {0.1, 0.2, 0.3, 0, 0, 0}, 3);
        assertThat(s[5]).isEqualTo(0.0);
        double[] flat = Kernels.sma(new double[] {100.1, 100.3, 100.7, 100.2, 100.2, 100.2}, 3);
        assertThat(flat[5]).isEqualTo(100.2);
        assertThat(Kernels.std(new double[] {100.1, 100.3, 100.7, 100.2, 100.2, 100.2}, 3, true)[5]).isEqualTo(0.0);
    }

    @Test
    void stdMatchesTheDefinition() {
        double[] x = {2, 4, 4, 4, 5, 5, 7, 9};
        double[] pop = Kernels.std(x, 8, false);
        assertThat(pop[7]).isEqualTo(2.0); // the textbook example: population std 2
        double[] sample = Kernels.std(x, 8, true);
        assertThat(sample[7]).isCloseTo(Math.sqrt(32.0 / 7), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void nonFiniteValuesAreMissingAndDoNotPoisonLaterWindows() {
        double[] z = Kernels.zscore(new double[] {1, 2, 3, Double.POSITIVE_INFINITY, 4, 5, 6, 7}, 3);
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
        assertThat(Kernels.beta(a, b, 3)[5]).isNaN();
        assertThat(Kernels.correlation(a, b, 3)[5]).isNaN();
    }

    @Test
    void rollingMinMaxAndLagDiff() {
        double[] x = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(Kernels.max(x, 3)).containsExactly(Double.NaN, Double.NaN, 4, 4, 5, 9, 9, 9);
        assertThat(Kernels.min(x, 3)).containsExactly(Double.NaN, Double.NaN, 1, 1, 1, 1, 2, 2);
        assertThat(Kernels.lag(x, 2)).containsExactly(Double.NaN, Double.NaN, 3, 1, 4, 1, 5, 9);
        assertThat(Kernels.diff(x, 1)).containsExactly(Double.NaN, -2, 3, -3, 4, 4, -7, 4);
    }
}
