package io.atlasj.marketdata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows are read-only, so the import's writing thread passes them on instead of copying them where the result would be
 * the same rows: a selection of all of them, a merge with nothing, a series whose columns are exactly its candles.
 * Every other case still makes new rows, with the same values as before.
 */
class BarsTest {
    private static final Market M = new Market("binance-um", "filusdt");

    private static CandleSeries hours(int from, int n, int capacity) {
        CandleSeries.Builder b = CandleSeries.builder(M, Timeframe.H1, capacity);
        for (int i = from; i < from + n; i++) {
            b.add(i * 3_600_000L, i, i + 2, i - 1, i + 1, i * 10, i * 100, i, i * 5, CandleSource.IMPORTED);
        }
        return b.build();
    }

    @Test
    void aSelectionOfEveryRowIsTheRowsThemselvesAndAnyOtherACopyOfItsRows() {
        Bars b = Bars.of(hours(0, 5, 5));
        assertThat(b.select(new int[] {0, 1, 2, 3, 4})).isSameAs(b);
        Bars some = b.select(new int[] {0, 2, 4});
        assertThat(some.time()).containsExactly(0L, 7_200_000L, 14_400_000L);
        assertThat(some.d()[3]).containsExactly(1.0, 3.0, 5.0);
        assertThat(some.l()[0]).containsExactly(0L, 2L, 4L);
        // five indices that are not 0..4 in order: a copy in their order
        Bars shuffled = b.select(new int[] {0, 2, 1, 3, 4});
        assertThat(shuffled).isNotSameAs(b);
        assertThat(shuffled.time()).containsExactly(0L, 7_200_000L, 3_600_000L, 10_800_000L, 14_400_000L);
        Bars twice = b.select(new int[] {0, 0, 2, 3, 4});
        assertThat(twice.time()).containsExactly(0L, 0L, 7_200_000L, 10_800_000L, 14_400_000L);
    }

    @Test
    void aMergeWithNothingIsThePartAndAnyOtherMergeNewRowsInTimeOrder() {
        Bars a = Bars.of(hours(0, 3, 3));
        Bars b = Bars.of(hours(3, 2, 2));
        Bars none = Bars.empty(7, 1);
        assertThat(Bars.merge(BarSegments.Kind.CANDLES, List.of(none, a, none))).isSameAs(a);
        Bars ab = Bars.merge(BarSegments.Kind.CANDLES, List.of(b, none, a));
        assertThat(ab.time()).containsExactly(0L, 3_600_000L, 7_200_000L, 10_800_000L, 14_400_000L);
        assertThat(ab.d()[0]).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
        assertThat(Bars.merge(BarSegments.Kind.CANDLES, List.of(none, none)).size()).isZero();
        // a key in two parts is still refused, whichever parts are empty
        assertThatThrownBy(() -> Bars.merge(BarSegments.Kind.CANDLES, List.of(a, none, a)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSeriesIsUsedAsItIsWhoseRowsReadBackAsTheSameCandles() {
        CandleSeries exact = hours(0, 16, 16);
        Bars shared = Bars.of(exact);
        assertThat(shared.time()).isSameAs(exact.openTimes());
        assertThat(shared.d()[4]).isSameAs(exact.volumes());
        // built with room to spare: the builder trims, and the rows hold the candles' values in the store's order
        CandleSeries trimmed = hours(0, 5, 64);
        Bars rows = Bars.of(trimmed);
        assertThat(rows.size()).isEqualTo(5);
        assertThat(rows.d()[6]).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0);
        assertThat(rows.l()[0]).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(rows.candles(M, Timeframe.H1).closes()).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
    }
}
