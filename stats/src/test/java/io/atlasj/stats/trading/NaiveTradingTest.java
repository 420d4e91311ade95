package io.atlasj.stats.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NaiveTradingTest {
    @Test
    void pnlFeesDrawdownTurnoverHitRateByHand() {
        double[] pos = {1, 1, -1, 0, 1};
        double[] ret = {0.01, -0.02, -0.03, 0.05, 0.02};
        NaiveTrading.Result r = NaiveTrading.run(pos, ret, 10, 252);
        // position changes 1, 0, 2, 1, 1 at 10 bps: fees .001 0 .002 .001 .001
        // gross .01 -.02 .03 0 .02 -> net .009 -.02 .028 -.001 .019
        assertThat(r.pnl()).containsExactly(new double[] {0.009, -0.02, 0.028, -0.001, 0.019}, within(1e-15));
        assertThat(r.cumulative()).containsExactly(new double[] {0.009, -0.011, 0.017, 0.016, 0.035}, within(1e-15));
        assertThat(r.total()).isCloseTo(0.035, within(1e-15));
        assertThat(r.fees()).isCloseTo(0.005, within(1e-15));
        // from the peak .009 down to -.011
        assertThat(r.maxDrawdown()).isCloseTo(0.02, within(1e-15));
        assertThat(r.turnover()).isEqualTo(1.0);
        // in the market at rows 0, 1, 2, 4; gross positive at 0, 2, 4
        assertThat(r.hitRate()).isEqualTo(0.75);
        // numpy: net.mean() / net.std(ddof=1), and times sqrt(252)
        assertThat(r.perPeriodSharpe()).isCloseTo(0.3765945356529313, within(1e-12));
        assertThat(r.sharpe()).isCloseTo(5.978252918661022, within(1e-10));
    }

    @Test
    void periodsPerYearFromTheMedianSpacing() {
        long m5 = 300_000;
        // one 2-hour gap does not change the 5-minute interval
        long[] t = {0, m5, 2 * m5, 2 * m5 + 7_200_000, 3 * m5 + 7_200_000};
        assertThat(NaiveTrading.periodsPerYear(t)).isCloseTo(365.25 * 288, within(1e-9));
        assertThatThrownBy(() -> NaiveTrading.periodsPerYear(new long[] {5})).hasMessageContaining("at least 2 times");
    }

    @Test
    void classesMapToDownFlatUp() {
        assertThat(NaiveTrading.classPosition(0, 2)).isEqualTo(-1);
        assertThat(NaiveTrading.classPosition(1, 2)).isEqualTo(1);
        assertThat(NaiveTrading.classPosition(0, 3)).isEqualTo(-1);
        assertThat(NaiveTrading.classPosition(1, 3)).isEqualTo(0);
        assertThat(NaiveTrading.classPosition(2, 3)).isEqualTo(1);
    }

    @Test
    void neverInTheMarket() {
        NaiveTrading.Result r = NaiveTrading.run(new double[3], new double[] {0.1, -0.1, 0.2}, 5, 252);
        assertThat(r.total()).isEqualTo(0.0);
        assertThat(r.hitRate()).isNaN();
        assertThat(r.sharpe()).isNaN();
    }
}
