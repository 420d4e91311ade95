package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.Dsl;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * FX and index bars often come without volume. They import with an unknown volume (NaN, also in the bars resampled
 * from them), features that need no volume build from them, and a feature that needs volume is refused by name
 * rather than silently dropping every row.
 */
class BarsWithoutVolumeTest extends ImportFixture {
    private static final long T0 = Instant.parse("2023-03-01T00:00:00Z").toEpochMilli();

    private static final int BARS = 600;

    private static double close(int i) {
        return 1.08 + 0.0001 * Math.sin(i / 5.0);
    }

    /** 600 one-minute EUR/USD-like bars, no volume column: time,open,high,low,close. */
    private static String fx() {
        StringBuilder sb = new StringBuilder("time,open,high,low,close\n");
        for (int i = 0; i < BARS; i++) {
            double c = close(i);
            sb.append(Instant.ofEpochMilli(T0 + i * 60_000L)).append(',').append(c).append(',').append(c + 0.0002)
                    .append(',').append(c - 0.0002).append(',').append(c).append('\n');
        }
        return sb.toString();
    }

    @Test
    void barsImportWithUnknownVolumeAndResampleSo() throws IOException {
        var o = importFile("eurusd.csv", fx(), ImportOptions.of(ImportFormat.OHLCV_CSV, "fx", "eur_usd"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        CandleSeries m1 = store.candles(new Market("fx", "eur_usd"), Timeframe.M1);
        assertThat(m1.size()).isEqualTo(BARS);
        assertThat(m1.volume(0)).isNaN();
        assertThat(m1.close(7)).isEqualTo(close(7));
        // the derived hour bars: prices aggregated, the volume still unknown (not 0)
        CandleSeries h1 = store.candles(new Market("fx", "eur_usd"), Timeframe.H1);
        assertThat(h1.size()).isEqualTo(BARS / 60);
        assertThat(h1.volume(0)).isNaN();
        assertThat(h1.close(0)).isEqualTo(m1.close(59));
    }

    @Test
    void featuresWithoutVolumeBuildAndOnesWithVolumeAreRefusedByName() throws IOException {
        importFile("eurusd.csv", fx(), ImportOptions.of(ImportFormat.OHLCV_CSV, "fx", "eur_usd"));
        FeatureSetBuilder builder = new FeatureSetBuilder(SeriesSource.of(store));
        FeatureLabelSet prices = FeatureLabelSet.builder("fx").base("fx:eur_usd", "1m")
                .features(Dsl.LogReturns(), Dsl.RSI(14)).labels(Dsl.FutureReturn(1)).build();
        FeatureMatrix m = builder.build(prices, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(m.rows()).as(m.report().why().orElse("")).isGreaterThan(250);
        int last = m.rows() - 1;
        int bar = (int) ((m.time()[last] - T0) / 60_000);
        assertThat(m.features()[0][last]).isCloseTo(Math.log(close(bar) / close(bar - 1)),
                org.assertj.core.api.Assertions.within(1e-15));
        FeatureLabelSet volume = FeatureLabelSet.builder("fxv").base("fx:eur_usd", "1m")
                .features(Dsl.LogReturns(), Dsl.VolumeZScore(20)).labels(Dsl.FutureReturn(1)).build();
        assertThatThrownBy(() -> builder.build(volume, Long.MIN_VALUE, Long.MAX_VALUE))
                .hasMessageContaining("VolumeZScore(20)").hasMessageContaining("needs volume")
                .hasMessageContaining("fx:eur_usd at 1m have none (imported from a file without a volume column");
    }

    @Test
    void theHintSaysVolumeMayBeLeftOut() throws IOException {
        var o = importFile("bad.csv", "time,open,high,close\n2023-03-01T00:00:00Z,1,2,1.5\n",
                ImportOptions.of(ImportFormat.OHLCV_CSV, "fx", "bad"));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("lacks column(s) [low]").contains("volume may be left out");
    }
}
