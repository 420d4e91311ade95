package io.atlasj.stats.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerformanceTest {
    static final long DAY = 86_400_000L;

    private static Book.Marked marked(long step, double... net) {
        long[] t = new long[net.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = i * step;
        }
        double[] zero = new double[net.length];
        return new Book.Marked(t, zero, zero, net.clone(), zero, zero, net, new double[0], new long[0], 1, 1);
    }

    /**
     * Equity 1.1, 0.55, 0.66, 0.99 (compounded): the drawdown is 1 - 0.55 / 1.1 = 50% from the peak at day 0, never
     * recovered, so it lasts to the last bar (3 days); the total return is -1%.
     */
    /** Skewness and kurtosis by products equal Apache Commons Math's (its excess kurtosis plus 3). */
    @Test
    void momentsEqualCommonsMath() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
        for (int n : new int[] {3, 4, 5, 50, 10_000}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                double g = rnd.nextGaussian();
                x[i] = 1e-4 * g * g * g + 2e-5;
            }
            double skew = new org.apache.commons.math3.stat.descriptive.moment.Skewness().evaluate(x);
            org.assertj.core.api.Assertions.assertThat(Performance.skewness(x))
                    .isCloseTo(skew, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(skew))));
            if (n >= 4) {
                double kurt = new org.apache.commons.math3.stat.descriptive.moment.Kurtosis().evaluate(x) + 3;
                org.assertj.core.api.Assertions.assertThat(Performance.kurtosis(x))
                        .isCloseTo(kurt, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(kurt))));
            }
        }
        org.assertj.core.api.Assertions.assertThat(Performance.skewness(new double[] {1, 1, 1, 1})).isNaN();
        org.assertj.core.api.Assertions.assertThat(Performance.kurtosis(new double[] {1, 1, 1, 1})).isNaN();
        org.assertj.core.api.Assertions.assertThat(Performance.kurtosis(new double[] {1, 2, 3})).isNaN();
    }

    @Test
    void compoundedReturnAndDrawdownWithItsDuration() {
        Performance p = Performance.of(marked(DAY, 0.1, -0.5, 0.2, 0.5), 365.25);
        assertThat(p.totalReturn()).isCloseTo(-0.01, within(1e-12));
        assertThat(p.maxDrawdown()).isCloseTo(0.5, within(1e-12));
        assertThat(p.drawdownMillis()).isEqualTo(3 * DAY);
    }

    /** A day of 5-minute bars gets a Sharpe ratio per bar but no annualised figure, which would mislead. */
    @Test
    void aShortSampleIsNotAnnualised() {
        double[] r = new double[288];
        for (int i = 0; i < r.length; i++) {
            r[i] = (i % 3 - 0.9) * 0.001;
        }
        Performance p = Performance.of(marked(300_000, r), 105_192);
        assertThat(p.sharpe()).isCloseTo(Performance.sharpe(r), within(1e-15)).isPositive();
        assertThat(p.annualised()).isFalse();
        assertThat(p.sharpeAnnual()).isNaN();
        assertThat(p.spanText()).isEqualTo("23.9 hours");
    }

    /** 31 daily bars span 30 days: annualised by sqrt(365.25), with Mertens' interval. */
    @Test
    void thirtyDaysAreAnnualisedWithAnInterval() {
        double[] r = new double[31];
        for (int i = 0; i < r.length; i++) {
            r[i] = (i % 4 - 1) * 0.01;
        }
        Performance p = Performance.of(marked(DAY, r), 365.25);
        assertThat(p.annualised()).isTrue();
        assertThat(p.sharpeAnnual()).isCloseTo(p.sharpe() * Math.sqrt(365.25), within(1e-12));
        assertThat(p.sharpeAnnualLow()).isCloseTo((p.sharpe() - 1.96 * p.sharpeSe()) * Math.sqrt(365.25), within(1e-12));
        assertThat(p.sharpeAnnualLow()).isLessThan(p.sharpeAnnual());
        assertThat(p.sharpeAnnualHigh()).isGreaterThan(p.sharpeAnnual());
    }

    /**
     * x = 1, 2, 3, 4 with one lag: gamma0 = 5/4, gamma1 = 1.25/4 = 0.3125 (both divided by n), Bartlett weight 1/2,
     * so var = 1.25 + 2 * 0.5 * 0.3125 = 1.5625 and se = sqrt(1.5625 / 4) = 0.625.
     */
    @Test
    void neweyWestHandWorked() {
        assertThat(Performance.neweyWestSe(new double[] {1, 2, 3, 4}, 1)).isCloseTo(0.625, within(1e-15));
        assertThat(Performance.neweyWestSe(new double[] {1, 2, 3, 4}, 0)).isCloseTo(Math.sqrt(1.25 / 4), within(1e-15));
    }

    @Test
    void barsPerYearFromTheMedianSpacing() {
        assertThat(Performance.barsPerYear(new long[] {0, 300_000, 600_000, 3_000_000})).isCloseTo(105_192, within(1e-9));
    }
}
