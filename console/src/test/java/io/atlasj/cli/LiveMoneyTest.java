package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The distribution test of live returns: ties (flat bars) are common and must not break it; a shift is found. */
class LiveMoneyTest {
    @Test
    void theKolmogorovSmirnovPValueTakesTiesAndFindsAShiftedDistribution() {
        Random r = new Random(7);
        double[] backtest = new double[400];
        double[] same = new double[60];
        double[] shifted = new double[60];
        for (int i = 0; i < backtest.length; i++) {
            backtest[i] = i % 3 == 0 ? 0 : r.nextGaussian() * 1e-3; // a third of the bars flat
        }
        for (int i = 0; i < same.length; i++) {
            same[i] = i % 3 == 0 ? 0 : r.nextGaussian() * 1e-3;
            shifted[i] = i % 3 == 0 ? 0 : 2e-3 + r.nextGaussian() * 1e-3;
        }
        assertThat(LiveMoney.ksP(same, backtest)).isGreaterThan(0.05);
        assertThat(LiveMoney.ksP(shifted, backtest)).isLessThan(LiveMoney.KS_DRIFT);
        assertThat(LiveMoney.ksP(new double[] {0, 0, 0}, new double[] {0, 0, 0, 0})).isEqualTo(1.0);
        assertThat(LiveMoney.ksP(new double[] {0}, backtest)).isNaN();
    }
}
