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
        // three parts, in order or not: new rows holding all of them
        Bars c = Bars.of(hours(5, 2, 2));
        Bars abc = Bars.merge(BarSegments.Kind.CANDLES, List.of(a, none, b, c));
        assertThat(abc.time()).hasSize(7).startsWith(0L).endsWith(6 * 3_600_000L);
        assertThat(abc.d()[3]).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        assertThat(Bars.merge(BarSegments.Kind.CANDLES, List.of(c, a, b)).d()[3]).containsExactly(abc.d()[3]);
        // a key in two parts is still refused, whichever parts are empty, and so is one part holding a key twice
        assertThatThrownBy(() -> Bars.merge(BarSegments.Kind.CANDLES, List.of(a, none, a)))
                .isInstanceOf(IllegalStateException.class);
        Bars twice = a.select(new int[] {0, 1, 1, 2});
        assertThatThrownBy(() -> Bars.merge(BarSegments.Kind.CANDLES, List.of(none, twice)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSeriesBecomesRowsOnItsOwnColumnsThatReadBackAsTheSameCandles() {
        CandleSeries series = hours(0, 5, 64); // built with room to spare: the builder trims it to its five candles
        Bars rows = Bars.of(series);
        assertThat(rows.time()).isSameAs(series.openTimes());
        assertThat(rows.d()[4]).isSameAs(series.volumes());
        assertThat(rows.size()).isEqualTo(5);
        assertThat(rows.d()[6]).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0);
        assertThat(rows.l()[0]).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(rows.candles(M, Timeframe.H1).closes()).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
    }
}
