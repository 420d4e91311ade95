package io.atlasj.stats.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-worked books on six 5-minute bars. */
class BookTest {
    static final long BAR = 300_000;
    /** Closes 100, 110, 99, 99, 108.9, 108.9: bar returns (from bar 1) +10%, -10%, 0, +10%, 0. */
    static final Prices.Bars BARS = new Prices.Bars(new long[] {0, BAR, 2 * BAR, 3 * BAR, 4 * BAR, 5 * BAR},
            new double[] {100, 110, 99, 99, 108.9, 108.9});

    /**
     * Rows at bars 0, 1, 2 say +1, -1, +1, each held 2 bars at 1/2 of the capital. Slices: row 0 over bars 1-2, row 1
     * over bars 2-3, row 2 over bars 3-4, so the position is 0, +1/2, 0 (+1/2 - 1/2), 0 (-1/2 + 1/2), +1/2 over bars
     * 0..4. Gross: 0, +0.05, 0, 0, +0.05. Traded at each close: 1/2, 1/2, 0, 1/2, 1/2 (the last exit), 2 units at
     * 10 bps = 0.002. The overlapping -1 and +1 net out at bars 2 and 3: nothing is charged for them.
     */
    /** With one-bar holds the staggered book and non-overlapping holds from the first row are the same book. */
    @Test
    void oneBarHoldsStaggeredEqualsNonOverlapping() {
        long[] rows = {0, BAR, 2 * BAR, 3 * BAR};
        double[] signal = {1, -1, 0.5, 1};
        for (int delay : new int[] {0, 1}) {
            Book.Marked a = Book.staggered(BARS, rows, signal, delay, 1, 0.001);
            Book.Marked b = Book.nonOverlapping(BARS, rows, signal, delay, 1, 0.001, 0);
            org.assertj.core.api.Assertions.assertThat(a.net()).containsExactly(b.net());
            org.assertj.core.api.Assertions.assertThat(a.position()).containsExactly(b.position());
        }
    }

    @Test
    void staggeredBookHandWorked() {
        Book.Marked m = Book.staggered(BARS, new long[] {0, BAR, 2 * BAR}, new double[] {1, -1, 1}, 0, 2, 0.001);
        assertThat(m.time()).containsExactly(0, BAR, 2 * BAR, 3 * BAR, 4 * BAR);
        assertThat(m.position()).containsExactly(new double[] {0, 0.5, 0, 0, 0.5}, within(1e-15));
        assertThat(m.marketReturn()).containsExactly(new double[] {0, 0.1, -0.1, 0, 0.1}, within(1e-12));
        assertThat(m.gross()).containsExactly(new double[] {0, 0.05, 0, 0, 0.05}, within(1e-12));
        assertThat(m.traded()).containsExactly(new double[] {0.5, 0.5, 0, 0.5, 0.5}, within(1e-15));
        assertThat(m.net()).containsExactly(new double[] {-0.0005, 0.0495, 0, -0.0005, 0.0495}, within(1e-12));
        // per trade: each slice's return over its own 2 bars, the signal times close[t+2] / close[t] - 1
        assertThat(m.trades()).containsExactly(new double[] {-0.01, 0.1, 0.1}, within(1e-12));
        assertThat(m.sliceSize()).isEqualTo(0.5);
    }

    /**
     * Quote bars carry their half spread: each close's trade pays the fee and half the spread quoted at that close.
     * The same book as above, traded at 10 bps of fee, with half spreads of 1, 2, 3, 4, 5 and 6 bps at the six closes:
     * the trades at closes 0, 1, 3 and 4 (half a unit each) cost 0.5 x (10 + 1), 0.5 x (10 + 2), nothing, 0.5 x
     * (10 + 4) and 0.5 x (10 + 5) bps; the gross is the same.
     */
    @Test
    void quotedSpreadsAreChargedAtEachTradesOwnClose() {
        Prices.Bars quoted = new Prices.Bars(BARS.time(), BARS.close(), new double[] {1e-4, 2e-4, 3e-4, 4e-4, 5e-4,
            6e-4});
        Book.Marked m = Book.staggered(quoted, new long[] {0, BAR, 2 * BAR}, new double[] {1, -1, 1}, 0, 2, 0.001);
        assertThat(m.gross()).containsExactly(new double[] {0, 0.05, 0, 0, 0.05}, within(1e-12));
        assertThat(m.cost()).containsExactly(new double[] {0.5 * 11e-4, 0.5 * 12e-4, 0, 0.5 * 14e-4, 0.5 * 15e-4},
                within(1e-15));
        assertThat(Book.staggered(quoted.withoutSpread(), new long[] {0, BAR, 2 * BAR}, new double[] {1, -1, 1}, 0, 2,
                0.001).cost()).containsExactly(new double[] {0.0005, 0.0005, 0, 0.0005, 0.0005}, within(1e-15));
        Prices.Bars crossed = new Prices.Bars(BARS.time(), BARS.close(), new double[] {1e-4, -2e-4, 0, 0, 0, 0});
        assertThatThrownBy(() -> Book.staggered(crossed, new long[] {0}, new double[] {1}, 0, 2, 0.001))
                .hasMessageContaining("the quoted half spread -2.0E-4 at 1970-01-01T00:05:00Z is not a spread");
    }

    /**
     * Non-overlapping holds from the first row: row 0 (+1) holds bars 1-2 at full size, row 1 is skipped, row 2 (+1)
     * holds bars 3-4. Staying long from one hold into the next trades nothing; entry and exit trade 1 unit each.
     */
    @Test
    void nonOverlappingHoldsTakeEveryHoldThDecision() {
        Book.Marked m = Book.nonOverlapping(BARS, new long[] {0, BAR, 2 * BAR}, new double[] {1, -1, 1}, 0, 2, 0.001, 0);
        assertThat(m.position()).containsExactly(new double[] {0, 1, 1, 1, 1}, within(1e-15));
        assertThat(m.gross()).containsExactly(new double[] {0, 0.1, -0.1, 0, 0.1}, within(1e-12));
        assertThat(m.traded()).containsExactly(new double[] {1, 0, 0, 0, 1}, within(1e-15));
        assertThat(m.trades()).containsExactly(new double[] {-0.01, 0.1}, within(1e-12));
        // started one bar later: only row 1 (-1) decides, holding bars 2-3
        Book.Marked later = Book.nonOverlapping(BARS, new long[] {0, BAR, 2 * BAR}, new double[] {1, -1, 1}, 0, 2,
                0.001, 1);
        assertThat(later.position()).containsExactly(new double[] {0, 0, -1, -1, 0}, within(1e-15));
    }

    /** A delay shifts the hold: lookforward(3) of LogReturns(2) is the return over bars t+1..t+3 after a bar's wait. */
    @Test
    void aDelayedHoldStartsLater() {
        Book.Marked m = Book.staggered(BARS, new long[] {0}, new double[] {-1}, 1, 2, 0);
        assertThat(m.time()).containsExactly(BAR, 2 * BAR, 3 * BAR);
        // one row of a 2-bar staggered book holds half the capital
        assertThat(m.position()).containsExactly(new double[] {0, -0.5, -0.5}, within(1e-15));
        assertThat(m.trades()).containsExactly(new double[] {-(99 / 110.0 - 1)}, within(1e-12));
    }

    @Test
    void missingOrBrokenPricesAreRefusedNotTraded() {
        assertThatThrownBy(() -> Book.staggered(BARS, new long[] {BAR / 2}, new double[] {1}, 0, 1, 0))
                .hasMessageContaining("the prices have no bar at row time 1970-01-01T00:02:30Z");
        assertThatThrownBy(() -> Book.staggered(BARS, new long[] {4 * BAR}, new double[] {1}, 0, 2, 0))
                .hasMessageContaining("the prices end at 1970-01-01T00:25:00Z, before the last row's hold");
        Prices.Bars zero = new Prices.Bars(new long[] {0, BAR, 2 * BAR}, new double[] {100, 0, 100});
        assertThatThrownBy(() -> Book.staggered(zero, new long[] {0}, new double[] {1}, 0, 1, 0))
                .hasMessageContaining("close 0.0 at 1970-01-01T00:05:00Z is not a positive price");
        assertThatThrownBy(() -> Book.staggered(BARS, new long[] {0}, new double[] {2}, 0, 1, 0))
                .hasMessageContaining("outside [-1, 1]");
    }
}
