package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.features.Dsl;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Any multiple of a second, minute, hour, day or week aligned to UTC days is a timeframe: the fifteen stores keep, and
 * the others (10m, 90m, 2d, 2w) read by resampling the coarsest kept one that divides them, with bars imported at that
 * length winning; checked against the real Bitstamp trades aggregated by hand, through the store and a featureset.
 */
class AnyTimeframeTest extends ImportFixture {
    private static final Market BTC = new Market("bitstamp", "btc_usd");

    @Test
    void timeframesAreAnyMultipleAlignedToUtcDaysAndOneInstancePerLength() {
        Timeframe ten = Timeframe.parse("10m");
        assertThat(ten.millis()).isEqualTo(600_000L);
        assertThat(ten.kept()).isFalse();
        assertThat(ten).isSameAs(Timeframe.parse(" 10m ")).isSameAs(Timeframe.of(600_000L));
        assertThat(Timeframe.parse("4H")).isSameAs(Timeframe.H4);
        assertThat(Timeframe.parse("60m")).isSameAs(Timeframe.H1);
        assertThat(Timeframe.parse("120s").label()).isEqualTo("2m");
        assertThat(Timeframe.parse("90m").label()).isEqualTo("90m");
        assertThat(Timeframe.parse("45s").label()).isEqualTo("45s");
        assertThat(Timeframe.parse("2d").origin()).isZero();
        assertThat(Timeframe.parse("2w").origin()).isEqualTo(Timeframe.W1.origin());
        assertThat(Timeframe.parse("2w").label()).isEqualTo("2w");
        assertThat(Timeframe.ofMillis(600_000L)).as("a file's spacing is read as an exchange timeframe only").isEmpty();
        assertThat(Timeframe.ofMillis(Timeframe.H8.millis())).contains(Timeframe.H8);
        assertThat(Timeframe.values()).hasSize(12).allMatch(Timeframe::kept);
        assertThat(List.of(Timeframe.H6, Timeframe.H8, Timeframe.D3)).noneMatch(Timeframe::kept);
        assertThat(Timeframe.M5.divides(ten)).isTrue();
        assertThat(ten.divides(Timeframe.M30)).isTrue();
        assertThatThrownBy(() -> Timeframe.parse("7m")).hasMessageContaining("must divide a day");
        assertThatThrownBy(() -> Timeframe.parse("5h")).hasMessageContaining("must divide a day");
        assertThatThrownBy(() -> Timeframe.parse("14d")).hasMessageContaining("write 2w");
        assertThatThrownBy(() -> Timeframe.parse("1M")).hasMessageContaining("a month");
        assertThatThrownBy(() -> Timeframe.parse("0m")).hasMessageContaining("from 1s to 52w");
        assertThatThrownBy(() -> Timeframe.parse("53w")).hasMessageContaining("from 1s to 52w");
        assertThatThrownBy(() -> Timeframe.parse("1.5h")).hasMessageContaining("write a count and a unit");
    }

    @Test
    void unkeptTimeframesAreTheTradesAggregatedByHandAndImportedBarsWin() throws IOException {
        BundledData.importInto(store, dir.resolve("bundled"));
        SeriesSource source = SeriesSource.of(store);
        CandleSeries m1 = store.candles(BTC, Timeframe.M1);
        for (String label : new String[] {"10m", "90m", "2d"}) {
            Timeframe tf = Timeframe.parse(label);
            CandleSeries c = source.candles(BTC, tf, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(c.timeframe()).isSameAs(tf);
            assertThat(c.size()).as(label).isPositive();
            int i = 0;
            for (int k = 0; k < c.size(); k++) {
                long open = c.openTime(k);
                while (m1.openTime(i) < open) {
                    i++;
                }
                assertThat(tf.floor(open)).isEqualTo(open);
                int first = i;
                double hi = Double.NEGATIVE_INFINITY;
                double lo = Double.POSITIVE_INFINITY;
                double vol = 0;
                for (; i < m1.size() && m1.openTime(i) < open + tf.millis(); i++) {
                    hi = Math.max(hi, m1.high(i));
                    lo = Math.min(lo, m1.low(i));
                    vol += m1.volume(i);
                }
                assertThat(m1.openTime(first)).as("%s bar %d opens on its first minute", label, k)
                        .isLessThan(open + tf.millis());
                assertThat(c.open(k)).isEqualTo(m1.open(first));
                assertThat(c.high(k)).isEqualTo(hi);
                assertThat(c.low(k)).isEqualTo(lo);
                assertThat(c.close(k)).isEqualTo(m1.close(i - 1));
                assertThat(c.volume(k)).isCloseTo(vol, within(1e-6));
            }
            assertThat(i).as("every minute in a %s bar", label).isEqualTo(m1.size());
        }
        // a range reads the bars opening in it
        long from = Instant.parse("2013-11-26T10:05:00Z").toEpochMilli();
        long to = Instant.parse("2013-11-26T11:00:00Z").toEpochMilli();
        assertThat(source.candles(BTC, Timeframe.parse("10m"), from, to).openTimes())
                .containsExactly(from + 300_000L, from + 900_000L, from + 1_500_000L, from + 2_100_000L,
                        from + 2_700_000L);

        // a file of 10-minute bars: its bar wins where the trades' would be, the other is added, and the coarser
        // bars keep every minute of the trades
        String before = source.fingerprint(BTC, Timeframe.parse("10m"), false);
        CandleSeries h1Before = store.candles(BTC, Timeframe.H1);
        var file = importFile("ten.csv", "time,open,high,low,close,volume\n2013-11-26T10:10:00Z,1,2,0.5,1.5,10\n"
                + "2013-12-02T00:00:00Z,3,4,2.5,3.5,20\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "bitstamp",
                "btc_usd").withTimeframe(Timeframe.parse("10m")));
        assertThat(file.rejected()).as(file.error()).isFalse();
        assertThat(source.fingerprint(BTC, Timeframe.parse("10m"), false)).isNotEqualTo(before);
        CandleSeries ten = source.candles(BTC, Timeframe.parse("10m"), Long.MIN_VALUE, Long.MAX_VALUE);
        int at = java.util.Arrays.binarySearch(ten.openTimes(), from + 300_000L);
        assertThat(ten.close(at)).isEqualTo(1.5);
        assertThat(ten.sources()[at]).isEqualTo(CandleSource.IMPORTED.code());
        assertThat(ten.close(at - 1)).isNotEqualTo(1.5);
        assertThat(ten.openTime(ten.size() - 1)).isEqualTo(Instant.parse("2013-12-02T00:00:00Z").toEpochMilli());
        assertThat(ten.close(ten.size() - 1)).isEqualTo(3.5);
        assertThat(ten.openTimes()).isSorted().doesNotHaveDuplicates();
        // 10:00 to 11:00 now holds the imported bar; the other hours of the day are as the trades made them
        CandleSeries h1 = store.candles(BTC, Timeframe.H1);
        for (int k = 0; k < h1Before.size(); k++) {
            if (h1Before.openTime(k) != from - 300_000L) {
                int j = java.util.Arrays.binarySearch(h1.openTimes(), h1Before.openTime(k));
                assertThat(h1.close(j)).as("hour %s", Instant.ofEpochMilli(h1Before.openTime(k)))
                        .isEqualTo(h1Before.close(k));
                assertThat(h1.volume(j)).isCloseTo(h1Before.volume(k), within(1e-9));
            }
        }
    }

    @Test
    void aFeaturesetOnNinetyMinuteBarsReadsTheResampledBars() {
        BundledData.importInto(store, dir.resolve("bundled"));
        Timeframe ninety = Timeframe.parse("90m");
        FeatureLabelSet set = FeatureLabelSet.builder("ninety").base("bitstamp:btc_usd", "90m")
                .features(Dsl.Close(), Dsl.Close().timeframe("2d")).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        CandleSeries bars = SeriesSource.of(store).candles(BTC, ninety, Long.MIN_VALUE, Long.MAX_VALUE);
        CandleSeries days2 = SeriesSource.of(store).candles(BTC, Timeframe.parse("2d"), Long.MIN_VALUE,
                Long.MAX_VALUE);
        assertThat(m.rows()).isPositive();
        double[] close = m.feature("Close().market(\"bitstamp:btc_usd\").timeframe(\"90m\")");
        double[] twoDay = m.feature("Close().market(\"bitstamp:btc_usd\").timeframe(\"2d\")");
        for (int r = 0; r < m.rows(); r++) {
            int k = java.util.Arrays.binarySearch(bars.openTimes(), m.time()[r]);
            assertThat(close[r]).isEqualTo(bars.close(k));
            // the two-day bar that closed last by the end of this 90-minute bar
            long closedAt = m.time()[r] + ninety.millis();
            long lastClosed = Timeframe.parse("2d").floor(closedAt) - Timeframe.parse("2d").millis();
            int d = java.util.Arrays.binarySearch(days2.openTimes(), lastClosed);
            assertThat(twoDay[r]).as("row %s", Instant.ofEpochMilli(m.time()[r])).isEqualTo(days2.close(d));
        }
    }

    @Test
    void quoteBarsOfAnUnkeptTimeframeAreTheMinutesAggregatedByHand() {
        io.atlasj.testing.TestData.importLeanCoinbaseDay(store, false);
        Market btc = new Market("coinbase", "btcusd");
        var m1 = store.quoteCandles(btc, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE);
        Timeframe ten = Timeframe.parse("10m");
        var q = SeriesSource.of(store).quoteBars(btc, ten, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(q.size()).isGreaterThan(100);
        int i = 0;
        for (int k = 0; k < q.size(); k++) {
            long open = q.openTimes()[k];
            while (m1.openTimes()[i] < open) {
                i++;
            }
            int first = i;
            double askHigh = Double.NEGATIVE_INFINITY;
            double bidLow = Double.POSITIVE_INFINITY;
            for (; i < m1.size() && m1.openTimes()[i] < open + ten.millis(); i++) {
                askHigh = Math.max(askHigh, m1.column(io.atlasj.marketdata.QuoteCandleSeries.ASK_HIGH)[i]);
                bidLow = Math.min(bidLow, m1.column(io.atlasj.marketdata.QuoteCandleSeries.BID_LOW)[i]);
            }
            assertThat(q.column(io.atlasj.marketdata.QuoteCandleSeries.BID_OPEN)[k])
                    .isEqualTo(m1.column(io.atlasj.marketdata.QuoteCandleSeries.BID_OPEN)[first]);
            assertThat(q.column(io.atlasj.marketdata.QuoteCandleSeries.ASK_CLOSE)[k])
                    .isEqualTo(m1.column(io.atlasj.marketdata.QuoteCandleSeries.ASK_CLOSE)[i - 1]);
            assertThat(q.column(io.atlasj.marketdata.QuoteCandleSeries.ASK_HIGH)[k]).isEqualTo(askHigh);
            assertThat(q.column(io.atlasj.marketdata.QuoteCandleSeries.BID_LOW)[k]).isEqualTo(bidLow);
        }
        assertThat(i).isEqualTo(m1.size());
    }

    @Test
    void aFilledBarOfAnUnkeptTimeframeGivesWayToRealDataImportedLater() throws IOException {
        Timeframe ten = Timeframe.parse("10m");
        Market m = new Market("x", "gap");
        // 10-minute bars at 00:00 and 00:20, imported with --fill-gaps: a flat bar is written at 00:10
        var bars = importFile("ten.csv", "time,open,high,low,close,volume\n2024-03-01T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2024-03-01T00:20:00Z,1.5,2,1,1.2,5\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "gap")
                .withTimeframe(ten).withFillGaps(true));
        assertThat(bars.rejected()).as(bars.error()).isFalse();
        SeriesSource source = SeriesSource.of(store);
        assertThat(source.candles(m, ten, Long.MIN_VALUE, Long.MAX_VALUE).sources())
                .containsExactly(CandleSource.IMPORTED.code(), CandleSource.FILLED.code(), CandleSource.IMPORTED.code());
        // minutes of that gap arrive: the 00:10 bar is theirs, the imported bars stay
        var minutes = importFile("minutes.csv", "time,open,high,low,close,volume\n2024-03-01T00:12:00Z,7,8,6,7.5,3\n"
                + "2024-03-01T00:13:00Z,7.5,9,7,8,4\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "gap"));
        assertThat(minutes.rejected()).as(minutes.error()).isFalse();
        CandleSeries c = source.candles(m, ten, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(c.closes()).containsExactly(1.5, 8.0, 1.2);
        assertThat(c.volumes()).containsExactly(10.0, 7.0, 5.0);
        assertThat(c.sources()).containsExactly(CandleSource.IMPORTED.code(), CandleSource.DERIVED.code(),
                CandleSource.IMPORTED.code());
    }
}
