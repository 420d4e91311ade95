package io.atlasj.stats.multiple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DeflatedSharpeTest {
    /**
     * The numerical example of Bailey and López de Prado (2014), "The Deflated Sharpe Ratio", section "A numerical
     * example" (Journal of Portfolio Management 40(5); SSRN 2460551): a strategy found after N = 100 independent
     * trials has an annualised Sharpe ratio of 2.5 over T = 1250 daily observations (5 years of 250 days), skewness
     * -3 and kurtosis 10; the trials' annualised Sharpe ratios have variance 1/2. The paper reports
     * SR_0 = 0.1132 (per day) and DSR = 0.9004. (The numbers are the paper's as we recalled them; the public text
     * search available to us did not hold the paper's page, so we also recomputed them with scipy.stats.norm:
     * SR_0 = 0.113172, DSR = 0.900397.)
     */
    @Test
    void reproducesThePapersNumericalExample() {
        double daily = 2.5 / Math.sqrt(250);
        double variance = 0.5 / 250;
        assertThat(DeflatedSharpe.expectedMaxSharpe(100, variance)).isCloseTo(0.1132, within(5e-5));
        assertThat(DeflatedSharpe.deflated(daily, 1250, -3, 10, 100, variance)).isCloseTo(0.9004, within(5e-5));
    }

    @Test
    void oneTrialIsThePsrAgainstZeroAndMoreTrialsDeflateMore() {
        assertThat(DeflatedSharpe.expectedMaxSharpe(1, 0.3)).isZero();
        // normal returns, SR 0.1 over 101 rows: Z(0.1 * 10 / sqrt(1 + 2/4 * 0.01)); scipy.stats.norm.cdf gives 0.8407413278013518
        assertThat(DeflatedSharpe.probabilistic(0.1, 0, 101, 0, 3)).isCloseTo(0.8407413278013518, within(1e-12));
        double few = DeflatedSharpe.deflated(0.1, 500, 0, 3, 10, 0.002);
        double many = DeflatedSharpe.deflated(0.1, 500, 0, 3, 1000, 0.002);
        assertThat(many).isLessThan(few);
    }
}
