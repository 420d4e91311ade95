package io.atlasj.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;

/** Candles compared as the store keeps them: every column, bit for bit (NaN equals NaN). */
public final class SameBars {
    private SameBars() {
    }

    public static void assertSameCandles(CandleSeries got, CandleSeries want) {
        assertThat(got.size()).isEqualTo(want.size()).isPositive();
        assertSameOhlcv(got, want);
        assertThat(got.quoteVolumes()).isEqualTo(want.quoteVolumes());
        assertThat(got.tradeCounts()).isEqualTo(want.tradeCounts());
        assertThat(got.takerBuyVolumes()).isEqualTo(want.takerBuyVolumes());
        assertThat(got.sources()).isEqualTo(want.sources());
    }

    /** The open times, open, high, low, close and volume of every bar, bit for bit (NaN equals NaN). */
    public static void assertSameOhlcv(CandleSeries got, CandleSeries want) {
        assertThat(got.openTimes()).isEqualTo(want.openTimes());
        assertThat(got.opens()).isEqualTo(want.opens());
        assertThat(got.highs()).isEqualTo(want.highs());
        assertThat(got.lows()).isEqualTo(want.lows());
        assertThat(got.closes()).isEqualTo(want.closes());
        assertThat(got.volumes()).isEqualTo(want.volumes());
    }
}
